import Foundation

/// Small charts as inline SVG, drawn by hand so that the report needs no script, no network and no
/// library: bars, lines over periods, and a heat map. Every label is escaped.
enum SVGChart {
    static let palette = ["#2b6cb0", "#c05621", "#2f855a", "#6b46c1", "#b83280", "#2c7a7b", "#975a16", "#4a5568"]

    /// Horizontal bars, one per label, with the value at the end; an optional reference line (a target).
    static func bars(
        _ items: [(label: String, value: Double)], unit: String, reference: (label: String, value: Double)? = nil,
        width: Double = 640
    ) -> String {
        guard !items.isEmpty else { return "" }
        let barHeight = 22.0, gap = 6.0, left = 170.0, right = 90.0
        let height = Double(items.count) * (barHeight + gap) + 30
        let maximum = max(items.map(\.value).max() ?? 0, reference?.value ?? 0, 1e-9)
        let scale = (width - left - right) / maximum
        var svg = "<svg class=\"chart\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\">"
        for (index, item) in items.enumerated() {
            let y = 10 + Double(index) * (barHeight + gap)
            let length = max(0, item.value) * scale
            svg += "<text x=\"\(left - 8)\" y=\"\(y + 15)\" text-anchor=\"end\" class=\"label\">\(MarkupText.escape(item.label))</text>"
            svg += "<rect x=\"\(left)\" y=\"\(y)\" width=\"\(format(length))\" height=\"\(barHeight)\" fill=\"\(palette[0])\"/>"
            svg += "<text x=\"\(left + length + 6)\" y=\"\(y + 15)\" class=\"value\">\(MarkupText.escape(MarkupText.number(item.value) + " " + unit))</text>"
        }
        if let reference {
            let x = left + reference.value * scale
            svg += "<line x1=\"\(format(x))\" y1=\"4\" x2=\"\(format(x))\" y2=\"\(format(height - 20))\" stroke=\"#c53030\" stroke-dasharray=\"4 3\"/>"
            svg += "<text x=\"\(format(x))\" y=\"\(format(height - 6))\" text-anchor=\"middle\" class=\"target\">\(MarkupText.escape(reference.label))</text>"
        }
        return svg + "</svg>"
    }

    /// Lines over periods, one per series, with a legend.
    static func lines(
        _ series: [(label: String, points: [(period: String, value: Double)])], periods: [String], unit: String,
        width: Double = 640, height: Double = 260
    ) -> String {
        let values = series.flatMap { $0.points.map(\.value) }
        guard !values.isEmpty, periods.count > 0 else { return "" }
        let left = 70.0, right = 150.0, top = 14.0, bottom = 34.0
        // The axis spans the data with some room, not from 0: year-on-year moves are what the chart is for.
        let spread = max(values.max()! - values.min()!, abs(values.max()!) * 0.05, 1e-9)
        let low = values.min()! - spread * 0.15, high = values.max()! + spread * 0.15
        let x = { (index: Int) in left + (periods.count == 1 ? 0 : Double(index) * (width - left - right) / Double(periods.count - 1)) }
        let y = { (value: Double) in top + (high - value) / (high - low) * (height - top - bottom) }
        var svg = "<svg class=\"chart\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\">"
        svg += "<line x1=\"\(left)\" y1=\"\(format(y(low)))\" x2=\"\(width - right)\" y2=\"\(format(y(low)))\" stroke=\"#a0aec0\"/>"
        for tick in [low, (low + high) / 2, high] {
            svg +=
                "<text x=\"\(left - 6)\" y=\"\(format(y(tick) + 4))\" text-anchor=\"end\" class=\"value\">\(MarkupText.escape(MarkupText.number(tick)))</text>"
        }
        for (index, period) in periods.enumerated() {
            svg += "<text x=\"\(format(x(index)))\" y=\"\(format(height - 12))\" text-anchor=\"middle\" class=\"label\">\(MarkupText.escape(period))</text>"
        }
        for (number, line) in series.enumerated() {
            let color = palette[number % palette.count]
            let points = line.points.compactMap { point in periods.firstIndex(of: point.period).map { (x: format(x($0)), y: format(y(point.value))) } }
            svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(points.map { "\($0.x),\($0.y)" }.joined(separator: " "))\"/>"
            for point in points { svg += "<circle cx=\"\(point.x)\" cy=\"\(point.y)\" r=\"3\" fill=\"\(color)\"/>" }
            svg +=
                "<text x=\"\(width - right + 10)\" y=\"\(top + 14 + Double(number) * 16)\" class=\"label\" style=\"fill:\(color)\">● \(MarkupText.escape(line.label))</text>"
        }
        svg += "<text x=\"\(left)\" y=\"\(top - 2)\" class=\"value\">\(MarkupText.escape(unit))</text>"
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
            svg += "<text x=\"\(format(x + slot / 2))\" y=\"\(format(height - 6))\" text-anchor=\"middle\" class=\"label\">\(digit + 1)</text>"
        }
        let points = (0..<9).map { "\(format(20 + (Double($0) + 0.5) * slot)),\(format(y(expected[$0])))" }.joined(separator: " ")
        svg += "<polyline fill=\"none\" stroke=\"#1a202c\" stroke-width=\"2\" points=\"\(points)\"/>"
        return svg + "</svg>"
    }

    /// A grid of cells coloured by a share 0…1 (coverage), rows by columns, with the share on hover.
    static func heatMap(rows: [String], columns: [String], share: (Int, Int) -> Double?) -> String {
        guard !rows.isEmpty, !columns.isEmpty else { return "" }
        let cell = 18.0, left = 170.0, top = 16.0 + 6.2 * Double(columns.map(\.count).max() ?? 10)
        let width = left + Double(columns.count) * cell + 10, height = top + Double(rows.count) * cell + 10
        var svg = "<svg class=\"chart\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\">"
        for (index, column) in columns.enumerated() {
            let x = left + Double(index) * cell + cell / 2
            svg += "<text transform=\"translate(\(format(x + 4)),\(format(top - 6))) rotate(-90)\" class=\"small\">\(MarkupText.escape(column))</text>"
        }
        for (r, row) in rows.enumerated() {
            let y = top + Double(r) * cell
            svg += "<text x=\"\(left - 6)\" y=\"\(format(y + 13))\" text-anchor=\"end\" class=\"small\">\(MarkupText.escape(row))</text>"
            for c in columns.indices {
                let value = share(r, c)
                let color = value.map { colour($0) } ?? "#edf2f7"
                let title = value.map { String(format: "%.0f %%", 100 * $0) } ?? "no data"
                svg +=
                    "<rect x=\"\(format(left + Double(c) * cell))\" y=\"\(format(y))\" width=\"\(cell - 1)\" height=\"\(cell - 1)\" fill=\"\(color)\"><title>\(MarkupText.escape(row)) · \(MarkupText.escape(columns[c])): \(title)</title></rect>"
            }
        }
        return svg + "</svg>"
    }

    /// Red (0) through yellow to green (1).
    static func colour(_ share: Double) -> String {
        let s = max(0, min(1, share))
        let red = s < 0.5 ? 220 : Int(220 - (s - 0.5) * 2 * 170)
        let green = s < 0.5 ? Int(60 + s * 2 * 140) : 200
        return String(format: "#%02x%02x50", red, green)
    }

    static func format(_ value: Double) -> String { String(format: "%.1f", value) }
}
