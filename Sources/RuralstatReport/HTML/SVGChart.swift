import Foundation

/// Small charts as inline SVG, drawn by hand so that the report needs no script, no network and no
/// library: bars against a target, lines over periods with their targets, first digits against
/// Benford's law, and a coverage heat map with its legend. Every label is escaped; axes have round
/// ticks (1, 2 or 5 × 10ᵏ); labels are placed from their measured width so that none overlaps
/// another or crosses a target line (``textWidth(_:size:)`` errs wide; the tests check the layout).
enum SVGChart {
    static let palette = ["#2b6cb0", "#c05621", "#2f855a", "#6b46c1", "#b83280", "#2c7a7b", "#975a16", "#4a5568"]
    /// The font sizes of the classes the charts use (the report's stylesheet sets the same).
    static let fontSize: [String: Double] = ["label": 11, "value": 11, "target": 11, "small": 10, "legend": 11]

    /// A generous width of text: a CJK character an em, any other 0.62 em.
    static func textWidth(_ text: String, size: Double) -> Double {
        text.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x1100 ? 1.0 : 0.62) } * size
    }

    /// Round ticks covering `low`…`high`: steps of 1, 2 or 5 × 10ᵏ, about `count` of them.
    static func ticks(_ low: Double, _ high: Double, count: Int = 5) -> [Double] {
        guard high > low, low.isFinite, high.isFinite else { return [low] }
        let raw = (high - low) / Double(max(count, 1))
        let power = pow(10, (log10(raw)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= raw * (1 - 1e-12) } ?? 10 * power
        // Whole multiples of the step from below `low` to above `high`: the axis covers every value.
        let first = Int((low / step).rounded(.down)), last = Int((high / step).rounded(.up))
        return (first...max(first + 1, last)).map { Double($0) * step }
    }

    /// A tick's text, with as many decimals as its step needs (0.5 → `0.5`, 200 → `200`), thousands grouped.
    static func tickText(_ value: Double, step: Double) -> String {
        let decimals = max(0, -Int(log10(step).rounded(.down)))
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.minimumFractionDigits = decimals
        formatter.maximumFractionDigits = decimals
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.usesGroupingSeparator = true
        formatter.groupingSeparator = ","
        return formatter.string(from: NSNumber(value: value)) ?? String(value)
    }

    /// A `<text>` element; `anchor` is start, middle or end.
    static func text(_ content: String, x: Double, y: Double, anchor: String = "start", className: String, style: String = "") -> String {
        "<text x=\"\(format(x))\" y=\"\(format(y))\" text-anchor=\"\(anchor)\" class=\"\(className)\"\(style.isEmpty ? "" : " style=\"\(style)\"")>"
            + MarkupText.escape(content) + "</text>"
    }

    /// Horizontal bars, one per label, with the value at the end, against an optional target line.
    /// The target's label sits above the bars; a value label that would cross the line moves past it.
    static func bars(
        _ items: [(label: String, value: Double)], unit: String, reference: (label: String, value: Double)? = nil,
        width: Double = 520
    ) -> String {
        guard !items.isEmpty else { return "" }
        let barHeight = 18.0, gap = 6.0, top = 22.0, axis = 26.0
        let labelSize = fontSize["label"]!, valueSize = fontSize["value"]!
        let left = min(180, max(60, (items.map { textWidth($0.label, size: labelSize) }.max() ?? 0) + 12))
        let valueTexts = items.map { MarkupText.number($0.value) + (unit.isEmpty ? "" : " \(unit)") }
        let right = (valueTexts.map { textWidth($0, size: valueSize) }.max() ?? 0) + 12
        let plot = max(60, width - left - right)
        let high = max(items.map(\.value).max() ?? 0, reference?.value ?? 0)
        let ticks = ticks(0, max(high, 1e-9))
        let axisHigh = ticks.last!
        let x = { (value: Double) in left + max(0, value) / axisHigh * plot }
        let height = top + Double(items.count) * (barHeight + gap) + axis
        var svg = "<svg class=\"chart\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\">"
        let targetX = reference.map { x($0.value) }
        for (index, item) in items.enumerated() {
            let y = top + Double(index) * (barHeight + gap)
            let end = x(item.value)
            svg += text(item.label, x: left - 6, y: y + 13, anchor: "end", className: "label")
            svg += "<rect x=\"\(format(left))\" y=\"\(format(y))\" width=\"\(format(end - left))\" height=\"\(barHeight)\" fill=\"\(palette[0])\"/>"
            // The value after its bar, or past the target line when it would cross it.
            var at = end + 4
            let textWidth = textWidth(valueTexts[index], size: valueSize)
            if let targetX, at - 3 <= targetX, at + textWidth + 3 >= targetX { at = targetX + 5 }
            svg += text(valueTexts[index], x: at, y: y + 13, className: "value")
        }
        // The axis with round ticks.
        let axisY = height - axis + 4
        svg += "<line x1=\"\(format(left))\" y1=\"\(format(axisY))\" x2=\"\(format(left + plot))\" y2=\"\(format(axisY))\" stroke=\"#a0aec0\"/>"
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : max(axisHigh, 1)
        for tick in ticks {
            svg += "<line x1=\"\(format(x(tick)))\" y1=\"\(format(axisY))\" x2=\"\(format(x(tick)))\" y2=\"\(format(axisY + 4))\" stroke=\"#a0aec0\"/>"
            svg += text(tickText(tick, step: step), x: x(tick), y: axisY + 16, anchor: "middle", className: "small")
        }
        if let reference, let targetX {
            svg +=
                "<line x1=\"\(format(targetX))\" y1=\"\(format(top - 4))\" x2=\"\(format(targetX))\" y2=\"\(format(axisY))\" stroke=\"#c53030\" stroke-dasharray=\"4 3\"/>"
            // Above the bars, kept inside the chart.
            let labelWidth = textWidth(reference.label, size: fontSize["target"]!)
            let centre = min(max(targetX, labelWidth / 2 + 2), width - labelWidth / 2 - 2)
            svg += text(reference.label, x: centre, y: top - 8, anchor: "middle", className: "target")
        }
        return svg + "</svg>"
    }

    /// Lines over periods, one per series (the first drawn bold), with round ticks, a dashed line for
    /// each target, and the legend below the plot.
    static func lines(
        _ series: [(label: String, points: [(period: String, value: Double)])], periods: [String], unit: String,
        targets: [(label: String, value: Double)] = [], width: Double = 520, height: Double = 240
    ) -> String {
        let values = series.flatMap { $0.points.map(\.value) } + targets.map(\.value)
        guard !values.isEmpty, !periods.isEmpty else { return "" }
        let legendRows = (series.count + 2) / 3
        let top = 20.0, bottom = 26.0 + 16 * Double(legendRows)
        // The axis spans the data (and targets) with round ticks, not from 0: year-on-year moves are what the chart is for.
        let spread = max(values.max()! - values.min()!, abs(values.max()!) * 0.05, 1e-9)
        // Never below zero for figures that are not (a count, a share).
        let floor = values.min()! >= 0 ? 0 : -Double.infinity
        let ticks = ticks(max(floor, values.min()! - spread * 0.1), values.max()! + spread * 0.1)
        let (low, high) = (ticks.first!, ticks.last!)
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : 1
        let tickTexts = ticks.map { tickText($0, step: step) }
        let left = (tickTexts.map { textWidth($0, size: fontSize["small"]!) }.max() ?? 20) + 12
        let right = 16.0
        let plotBottom = height - bottom
        let x = { (index: Int) in left + 20 + (periods.count == 1 ? 0 : Double(index) * (width - left - right - 40) / Double(periods.count - 1)) }
        let y = { (value: Double) in top + (high - value) / max(high - low, 1e-12) * (plotBottom - top) }
        var svg = "<svg class=\"chart\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\">"
        for (tick, label) in zip(ticks, tickTexts) {
            svg += "<line x1=\"\(format(left))\" y1=\"\(format(y(tick)))\" x2=\"\(format(width - right))\" y2=\"\(format(y(tick)))\" stroke=\"#edf2f7\"/>"
            svg += text(label, x: left - 6, y: y(tick) + 4, anchor: "end", className: "small")
        }
        // Period labels: every one that fits beside the last one shown.
        var shownUntil = -Double.infinity
        for (index, period) in periods.enumerated() {
            let half = textWidth(period, size: fontSize["label"]!) / 2
            guard x(index) - half > shownUntil + 4 else { continue }
            svg += text(period, x: x(index), y: plotBottom + 16, anchor: "middle", className: "label")
            shownUntil = x(index) + half
        }
        // Targets: a dashed line each, labelled at the right end above it (stacked when they come close).
        var labelBottoms: [Double] = []
        for target in targets.sorted(by: { $0.value > $1.value }) {
            let lineY = y(target.value)
            svg +=
                "<line x1=\"\(format(left))\" y1=\"\(format(lineY))\" x2=\"\(format(width - right))\" y2=\"\(format(lineY))\" stroke=\"#c53030\" stroke-dasharray=\"4 3\"/>"
            var baseline = max(lineY - 3, top - 6)
            while labelBottoms.contains(where: { abs($0 - baseline) < 13 }) { baseline += 13 }
            labelBottoms.append(baseline)
            svg += text(target.label, x: width - right - 2, y: baseline, anchor: "end", className: "target")
        }
        for (number, line) in series.enumerated() {
            let color = palette[number % palette.count]
            let points = line.points.compactMap { point in periods.firstIndex(of: point.period).map { (x: format(x($0)), y: format(y(point.value))) } }
            let weight = number == 0 ? 2.5 : 1.5
            svg +=
                "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"\(weight)\" points=\"\(points.map { "\($0.x),\($0.y)" }.joined(separator: " "))\"/>"
            for point in points { svg += "<circle cx=\"\(point.x)\" cy=\"\(point.y)\" r=\"2.5\" fill=\"\(color)\"/>" }
            // The legend: three to a row below the axis.
            let column = Double(number % 3), row = Double(number / 3)
            let legendX = left + column * (width - left - right) / 3
            let available = (width - left - right) / 3 - 8
            var label = "● " + line.label
            while textWidth(label, size: fontSize["legend"]!) > available, label.count > 3 { label = String(label.dropLast(2)) + "…" }
            svg += text(label, x: legendX, y: plotBottom + 34 + row * 16, className: "legend", style: "fill:\(color)")
        }
        svg += text(unit, x: left, y: top - 8, className: "small")
        return svg + "</svg>"
    }

    /// Observed first-digit shares (bars) against Benford's (a line), 1…9.
    static func benford(_ observed: [Double], width: Double = 300, height: Double = 150) -> String {
        guard observed.count == 9 else { return "" }
        let expected = (1...9).map { log10(1 + 1 / Double($0)) }
        let top = max(observed.max() ?? 0, expected.max()!) * 1.1
        let slot = (width - 30) / 9
        let y = { (share: Double) in 10 + (1 - share / top) * (height - 30) }
        var svg = "<svg class=\"chart\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\">"
        for digit in 0..<9 {
            let x = 20 + Double(digit) * slot
            svg +=
                "<rect x=\"\(format(x + 2))\" y=\"\(format(y(observed[digit])))\" width=\"\(format(slot - 4))\" height=\"\(format(height - 20 - y(observed[digit])))\" fill=\"\(palette[1])\"/>"
            svg += text(String(digit + 1), x: x + slot / 2, y: height - 6, anchor: "middle", className: "label")
        }
        let points = (0..<9).map { "\(format(20 + (Double($0) + 0.5) * slot)),\(format(y(expected[$0])))" }.joined(separator: " ")
        svg += "<polyline fill=\"none\" stroke=\"#1a202c\" stroke-width=\"2\" points=\"\(points)\"/>"
        return svg + "</svg>"
    }

    /// The bands of the coverage colour scale: withheld below the lower threshold, partial up to the
    /// publication threshold, published, and complete; each with its colour and legend text.
    static func coverageBands(publishAt: Double, withholdBelow: Double) -> [(upTo: Double, colour: String, label: String)] {
        func percent(_ share: Double) -> String { String(format: "%.0f %%", 100 * share) }
        return [
            (withholdBelow, "#c53030", "below \(percent(withholdBelow)): withheld"),
            (publishAt, "#ed8936", "\(percent(withholdBelow))–\(percent(publishAt)): partial"),
            (1, "#9ae6b4", "\(percent(publishAt)) to under 100 %: published"),
            (.infinity, "#276749", "100 %: complete"),
        ]
    }

    /// The colour of a coverage share in those bands.
    static func coverageColour(_ share: Double, publishAt: Double, withholdBelow: Double) -> String {
        let bands = coverageBands(publishAt: publishAt, withholdBelow: withholdBelow)
        return bands.first { share < $0.upTo }?.colour ?? bands.last!.colour
    }

    /// A grid of cells coloured by coverage (rows by columns), the share on hover, and a legend of
    /// the colour bands, so that a partial 90 % does not pass for a complete 100 %.
    static func heatMap(rows: [String], columns: [String], publishAt: Double, withholdBelow: Double, share: (Int, Int) -> Double?) -> String {
        guard !rows.isEmpty, !columns.isEmpty else { return "" }
        let small = fontSize["small"]!
        let cell = 18.0, left = (rows.map { textWidth($0, size: small) }.max() ?? 100) + 12
        let top = 16.0 + (columns.map { textWidth($0, size: small) }.max() ?? 60)
        let bands = coverageBands(publishAt: publishAt, withholdBelow: withholdBelow) + [(0, "#edf2f7", "no data")]
        let legendHeight = 22.0
        let width = max(left + Double(columns.count) * cell + 10, bands.reduce(10) { $0 + 22 + textWidth($1.label, size: small) + 14 })
        let height = top + Double(rows.count) * cell + 10 + legendHeight
        var svg = "<svg class=\"chart\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\">"
        for (index, column) in columns.enumerated() {
            let x = left + Double(index) * cell + cell / 2
            svg += "<text transform=\"translate(\(format(x + 4)),\(format(top - 6))) rotate(-90)\" class=\"small\">\(MarkupText.escape(column))</text>"
        }
        for (r, row) in rows.enumerated() {
            let y = top + Double(r) * cell
            svg += text(row, x: left - 6, y: y + 13, anchor: "end", className: "small")
            for c in columns.indices {
                let value = share(r, c)
                let color = value.map { coverageColour($0, publishAt: publishAt, withholdBelow: withholdBelow) } ?? "#edf2f7"
                let title = value.map { String(format: "%.1f %%", 100 * $0) } ?? "no data"
                svg +=
                    "<rect x=\"\(format(left + Double(c) * cell))\" y=\"\(format(y))\" width=\"\(cell - 1)\" height=\"\(cell - 1)\" fill=\"\(color)\"><title>\(MarkupText.escape(row)) · \(MarkupText.escape(columns[c])): \(title)</title></rect>"
            }
        }
        // The legend: a swatch and its band, side by side.
        var legendX = 10.0
        let legendY = height - legendHeight + 4
        for band in bands {
            svg += "<rect x=\"\(format(legendX))\" y=\"\(format(legendY))\" width=\"14\" height=\"14\" fill=\"\(band.colour)\" stroke=\"#a0aec0\"/>"
            svg += text(band.label, x: legendX + 20, y: legendY + 11, className: "small")
            legendX += 22 + textWidth(band.label, size: small) + 14
        }
        return svg + "</svg>"
    }

    static func format(_ value: Double) -> String { String(format: "%.1f", value) }
}
