import Foundation
import Testing
import TestSupport
@testable import RuralstatReport

/// The charts' layout, checked on the SVG itself: every text's box (from its position, anchor and
/// measured width) overlaps no other text and no target line, and stays inside the chart; axes have
/// round ticks. Over random charts of every shape the report meets.
@Suite("Chart layout")
struct ChartLayoutTests {
    struct Box: CustomStringConvertible {
        var text: String
        var className: String
        var left, right, top, bottom: Double
        var description: String { "'\(text)' [\(Int(left))…\(Int(right)) × \(Int(top))…\(Int(bottom))]" }
        func overlaps(_ other: Box) -> Bool { left < other.right && other.left < right && top < other.bottom && other.top < bottom }
    }

    /// The boxes of every unrotated `<text>` of an SVG.
    static func boxes(_ svg: String) -> [Box] {
        let pattern = try! NSRegularExpression(pattern: #"<text x="([-\d.]+)" y="([-\d.]+)" text-anchor="(\w+)" class="(\w+)"[^>]*>([^<]*)</text>"#)
        let range = NSRange(svg.startIndex..., in: svg)
        return pattern.matches(in: svg, range: range).map { match in
            func group(_ index: Int) -> String { String(svg[Range(match.range(at: index), in: svg)!]) }
            let (x, y, anchor, className) = (Double(group(1))!, Double(group(2))!, group(3), group(4))
            let text = group(5).replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
                .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
            let size = SVGChart.fontSize[className]!
            let width = SVGChart.textWidth(text, size: size)
            let left = anchor == "start" ? x : anchor == "middle" ? x - width / 2 : x - width
            return Box(text: text, className: className, left: left, right: left + width, top: y - size * 0.85, bottom: y + size * 0.25)
        }
    }

    static func size(_ svg: String) -> (width: Double, height: Double) {
        let match = try! NSRegularExpression(pattern: #"<svg class="chart" width="(\d+)" height="(\d+)""#).firstMatch(
            in: svg, range: NSRange(svg.startIndex..., in: svg))!
        return (Double(svg[Range(match.range(at: 1), in: svg)!])!, Double(svg[Range(match.range(at: 2), in: svg)!])!)
    }

    /// No two texts overlap; every text lies inside the chart.
    static func expectClean(_ svg: String, _ context: String) {
        let boxes = boxes(svg)
        let (width, height) = size(svg)
        for (i, a) in boxes.enumerated() {
            #expect(a.left >= -0.5 && a.right <= width + 0.5 && a.top >= -0.5 && a.bottom <= height + 0.5, "\(context): \(a) outside \(width)×\(height)")
            for b in boxes[(i + 1)...] { #expect(!a.overlaps(b), "\(context): \(a) overlaps \(b)") }
        }
    }

    static let words = ["河北省", "广东省", "重庆市", "Inner Mongolia", "新疆维吾尔自治区", "X", "东莞市", "石家庄市辖区", "Tibet"]

    @Test func barsKeepTheirLabelsApartAndOffTheTargetLine() {
        var random = SplitMix64(seed: 7)
        for round in 0..<300 {
            let count = Int(random.next() % 31) + 1
            let scale = pow(10, Double(random.next() % 7) - 1)
            let items = (0..<count).map { index in
                (
                    label: Self.words[Int(random.next() % UInt64(Self.words.count))] + (index % 3 == 0 ? " \(index)" : ""),
                    value: random.next() % 10 == 0 ? 0 : Double(random.next() % 1000) / 1000 * scale
                )
            }
            let maximum = items.map(\.value).max() ?? 0
            let reference: (label: String, value: Double)? =
                random.next() % 4 == 0 ? nil : ("目标 target ≥\(Int(maximum)) (2022)", Double(random.next() % 1200) / 1000 * max(maximum, scale / 10))
            let unit = ["%", "万元", "元/人", "", "万人次"][Int(random.next() % 5)]
            let svg = SVGChart.bars(items, unit: unit, reference: reference)
            Self.expectClean(svg, "bars \(round)")
            // No text but the target's own label crosses the dashed target line.
            let pattern = ##"<line x1="([-\d.]+)" y1="([-\d.]+)" x2="[-\d.]+" y2="([-\d.]+)" stroke="#c53030""##
            if let line = try! NSRegularExpression(pattern: pattern).firstMatch(in: svg, range: NSRange(svg.startIndex..., in: svg)) {
                func number(_ index: Int) -> Double { Double(svg[Range(line.range(at: index), in: svg)!])! }
                let (x, top, bottom) = (number(1), number(2), number(3))
                for box in Self.boxes(svg) where box.className != "target" {
                    #expect(!(box.left < x && x < box.right && box.top < bottom && top < box.bottom), "bars \(round): \(box) crosses the target line at \(x)")
                }
            }
        }
    }

    @Test func linesKeepTicksTargetsAndLegendApart() {
        var random = SplitMix64(seed: 8)
        for round in 0..<300 {
            let periods = (0..<(Int(random.next() % 11) + 2)).map { String(2014 + $0) }
            let base = pow(10, Double(random.next() % 6)) * Double(random.next() % 9 + 1)
            let series = (0..<(Int(random.next() % 9) + 1)).map { index in
                (label: Self.words[index % Self.words.count], points: periods.map { (period: $0, value: base * (0.8 + Double(random.next() % 400) / 1000)) })
            }
            let targets = (0..<Int(random.next() % 3)).map { index in
                (label: "\(2020 + 2 * index) 目标 >\(Int(base))", value: base * (0.9 + Double(random.next() % 300) / 1000))
            }
            Self.expectClean(SVGChart.lines(series, periods: periods, unit: "万元", targets: targets), "lines \(round)")
        }
    }

    @Test func theCoverageLegendSeparatesPartialFromComplete() {
        let svg = SVGChart.heatMap(rows: ["井陉县 130121", "东莞市 441900"], columns: ["HOUSEHOLDS", "GRAIN_OUTPUT"], publishAt: 0.95, withholdBelow: 0.5) { r, c in
            [[1.0, 0.9], [0.4, nil]][r][c]
        }
        Self.expectClean(svg, "heat map")
        for band in ["below 50 %: withheld", "50 %–95 %: partial", "95 % to under 100 %: published", "100 %: complete", "no data"] {
            #expect(svg.contains(band))
        }
        // 90 % and 100 % are not one colour; below the lower threshold is a third.
        let colours = [1.0, 0.9, 0.4, 0.97].map { SVGChart.coverageColour($0, publishAt: 0.95, withholdBelow: 0.5) }
        #expect(Set(colours).count == 4)
    }

    @Test func axesHaveRoundTicks() {
        #expect(
            SVGChart.ticks(0, 0.6988) == [0, 0.2, 0.4, 0.6000000000000001, 0.8] || SVGChart.ticks(0, 0.6988).map { ($0 * 10).rounded() } == [0, 2, 4, 6, 8])
        #expect(SVGChart.ticks(0, 95) == [0, 20, 40, 60, 80, 100])
        #expect(SVGChart.ticks(12.3, 17.8) == [12, 14, 16, 18])
        #expect(SVGChart.tickText(0.6000000000000001, step: 0.2) == "0.6" && SVGChart.tickText(20_000, step: 5_000) == "20,000")
        #expect(SVGChart.tickText(2.5, step: 0.5) == "2.5" && SVGChart.tickText(0.05, step: 0.05) == "0.05")
    }
}
