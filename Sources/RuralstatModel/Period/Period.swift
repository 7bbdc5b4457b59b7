/// An SDMX reporting period: `2025`, `2025-S1`, `2025-Q3`, `2025-M09` or `2025-09`, `2025-W05`,
/// `2025-09-30` (also `2025-A1` and `2025-D273`).
///
/// A period is a frequency, a year and the 1-based index of the sub-period in that year (the
/// half-year, quarter, month, ISO week or day of year). Periods order by start date, longer ones
/// first when two start on the same day; ``previous`` is the period before of the same frequency,
/// which period-over-period checks compare against.
public struct Period: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    /// How long the period is: a year, a quarter, a month …
    public let frequency: Frequency
    /// The calendar year, 1–9999 (for a weekly period, the ISO week-numbering year).
    public let year: Int
    /// 1-based: half-year 1–2, quarter 1–4, month 1–12, ISO week 1–53, day of year 1–366; 1 for annual.
    public let index: Int

    /// Creates a period, checking the index against the frequency and the year.
    public init(frequency: Frequency, year: Int, index: Int = 1) throws(PeriodError) {
        guard (1...9999).contains(year) else { throw PeriodError(text: "\(year)", reason: .year) }
        let count = Period.count(of: frequency, in: year)
        guard (1...count).contains(index) else {
            throw PeriodError(text: "\(year)-\(frequency.rawValue)\(index)", reason: .index(frequency, max: count))
        }
        self.frequency = frequency
        self.year = year
        self.index = index
    }

    /// Parses an SDMX or ISO 8601 period; an error quotes the text as given.
    public init(_ text: some StringProtocol) throws(PeriodError) {
        let string = String(text)
        do { try self.init(parsing: string) } catch { throw PeriodError(text: string, reason: error.reason) }
    }

    private init(parsing string: String) throws(PeriodError) {
        let bytes = Array(string.utf8)
        func number(_ range: Range<Int>) -> Int? {
            // No part of a period has more than four digits; a longer run is no period (and would overflow).
            guard range.upperBound <= bytes.count, !range.isEmpty, range.count <= 4 else { return nil }
            var value = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard bytes.count >= 4, let year = number(0..<4) else { throw PeriodError(text: string, reason: .syntax) }
        if bytes.count == 4 {
            try self.init(frequency: .annual, year: year)
            return
        }
        guard bytes[4] == UInt8(ascii: "-"), bytes.count >= 6 else { throw PeriodError(text: string, reason: .syntax) }
        let tail = 5..<bytes.count
        let letters: [UInt8: Frequency] = [
            UInt8(ascii: "A"): .annual, UInt8(ascii: "S"): .halfYearly, UInt8(ascii: "Q"): .quarterly,
            UInt8(ascii: "M"): .monthly, UInt8(ascii: "W"): .weekly, UInt8(ascii: "D"): .daily,
        ]
        if let frequency = letters[bytes[5]] {
            guard let index = number(6..<bytes.count) else { throw PeriodError(text: string, reason: .syntax) }
            let width = bytes.count - 6
            let allowed: ClosedRange<Int> =
                switch frequency {
                case .annual, .halfYearly, .quarterly: 1...1
                case .monthly, .weekly: 2...2
                case .daily: 3...3
                }
            guard allowed.contains(width) else { throw PeriodError(text: string, reason: .syntax) }
            try self.init(frequency: frequency, year: year, index: index)
        } else if bytes.count == 7, let month = number(tail) {
            try self.init(frequency: .monthly, year: year, index: month)
        } else if bytes.count == 10, bytes[7] == UInt8(ascii: "-"), let month = number(5..<7), let day = number(8..<10) {
            guard (1...12).contains(month) else { throw PeriodError(text: string, reason: .index(.monthly, max: 12)) }
            let length = Period.daysInMonth(month, year: year)
            guard (1...length).contains(day) else { throw PeriodError(text: string, reason: .day(month: month, max: length)) }
            try self.init(frequency: .daily, year: year, index: Period.dayOfYear(year: year, month: month, day: day))
        } else {
            throw PeriodError(text: string, reason: .syntax)
        }
    }

    /// The canonical text: `2025`, `2025-S1`, `2025-Q3`, `2025-09`, `2025-W05`, `2025-09-30`.
    public var description: String {
        let y = String(year).leftPadded(to: 4)
        switch frequency {
        case .annual: return y
        case .halfYearly: return "\(y)-S\(index)"
        case .quarterly: return "\(y)-Q\(index)"
        case .monthly: return "\(y)-\(String(index).leftPadded(to: 2))"
        case .weekly: return "\(y)-W\(String(index).leftPadded(to: 2))"
        case .daily:
            let (month, day) = Period.monthAndDay(year: year, dayOfYear: index)
            return "\(y)-\(String(month).leftPadded(to: 2))-\(String(day).leftPadded(to: 2))"
        }
    }

    /// The period before this one, of the same frequency (`2025-Q1` → `2024-Q4`, `2021-W01` → `2020-W53`).
    public var previous: Period? {
        if index > 1 { return try? Period(frequency: frequency, year: year, index: index - 1) }
        guard year > 1 else { return nil }
        return try? Period(frequency: frequency, year: year - 1, index: Period.count(of: frequency, in: year - 1))
    }

    /// The period after this one, of the same frequency.
    public var next: Period? {
        if index < Period.count(of: frequency, in: year) { return try? Period(frequency: frequency, year: year, index: index + 1) }
        return try? Period(frequency: frequency, year: year + 1, index: 1)
    }

    /// The first day, as days since 0001-01-01 (proleptic Gregorian), for ordering across frequencies.
    public var startDay: Int {
        switch frequency {
        case .annual: Period.dayNumber(year: year, month: 1, day: 1)
        case .halfYearly: Period.dayNumber(year: year, month: (index - 1) * 6 + 1, day: 1)
        case .quarterly: Period.dayNumber(year: year, month: (index - 1) * 3 + 1, day: 1)
        case .monthly: Period.dayNumber(year: year, month: index, day: 1)
        case .daily: Period.dayNumber(year: year, month: 1, day: 1) + index - 1
        case .weekly: Period.isoWeekOneMonday(year) + (index - 1) * 7
        }
    }

    /// Orders by start day, the longer period first when two start on the same day (`2025` < `2025-S1` < `2025-Q1`).
    public static func < (lhs: Period, rhs: Period) -> Bool {
        (lhs.startDay, lhs.frequency) < (rhs.startDay, rhs.frequency)
    }

    /// Decodes a period from its text (`2025-Q3`), checked as ``init(_:)`` checks it.
    public init(from decoder: any Decoder) throws {
        self = try Period(try decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes the canonical text (``description``).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    // MARK: Calendar arithmetic (proleptic Gregorian, ISO 8601 weeks)

    static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    static func daysInMonth(_ month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    static func dayOfYear(year: Int, month: Int, day: Int) -> Int {
        (1..<month).reduce(0) { $0 + daysInMonth($1, year: year) } + day
    }

    static func monthAndDay(year: Int, dayOfYear: Int) -> (Int, Int) {
        var remaining = dayOfYear
        for month in 1...12 {
            let length = daysInMonth(month, year: year)
            if remaining <= length { return (month, remaining) }
            remaining -= length
        }
        return (12, 31)
    }

    /// Days since 0001-01-01 (day 0), which was a Monday.
    static func dayNumber(year: Int, month: Int, day: Int) -> Int {
        let y = year - 1
        return y * 365 + y / 4 - y / 100 + y / 400 + dayOfYear(year: year, month: month, day: day) - 1
    }

    /// The Monday of ISO week 1: the week that holds 4 January.
    static func isoWeekOneMonday(_ year: Int) -> Int {
        let january4 = dayNumber(year: year, month: 1, day: 4)
        return january4 - january4 % 7
    }

    /// Sub-periods of a frequency in a year (52 or 53 ISO weeks; 365 or 366 days).
    static func count(of frequency: Frequency, in year: Int) -> Int {
        switch frequency {
        case .weekly: (isoWeekOneMonday(year + 1) - isoWeekOneMonday(year)) / 7
        case .daily: isLeap(year) ? 366 : 365
        default: frequency.periodsPerYear!
        }
    }
}

/// Why a text is not a reporting period.
public struct PeriodError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong with the text.
    public enum Reason: Equatable, Sendable {
        /// The text does not have the shape of a period.
        case syntax
        /// The year is outside 0001–9999.
        case year
        /// The sub-period index is outside 1…`max` for the frequency in that year.
        case index(Frequency, max: Int)
        /// The day does not exist in that month (it has days 1…`max`).
        case day(month: Int, max: Int)
    }

    /// The text as given.
    public let text: String
    /// What is wrong with it.
    public let reason: Reason

    /// A message that quotes the text and shows the accepted forms or range.
    public var description: String {
        switch reason {
        case .syntax:
            "period '\(text)' is not an SDMX period (2025, 2025-S1, 2025-Q3, 2025-M09, 2025-09, 2025-W05, 2025-09-30)"
        case .year:
            "period '\(text)' has a year outside 0001–9999"
        case .index(let frequency, let max):
            "period '\(text)' is out of range: frequency \(frequency) has sub-periods 1–\(max) in that year"
        case .day(let month, let max):
            "period '\(text)' names a day that month \(month) does not have (1–\(max))"
        }
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
