import Foundation

/// The periods a catalog accepts figures for.
///
/// No figure can exist for a period that has not begun, and a slip such as `2204` for `2024` must
/// be rejected, not rolled up to the nation. By default a period is accepted from 1949 (the first
/// year of the People's Republic's statistics) up to the day it is read; a catalog may set both
/// ends (`periods: {earliest: 2000, latest: 2035}`), e.g. to take in plan projections.
public struct PeriodWindow: Sendable, Hashable, CustomStringConvertible {
    /// The first year a period may fall in.
    public var earliest: Int
    /// The last year a period may fall in; `nil`: no period that begins after the day it is read.
    public var latest: Int?

    /// Creates a window; by default from 1949 up to the day a period is read.
    public init(earliest: Int = 1949, latest: Int? = nil) {
        self.earliest = earliest
        self.latest = latest
    }

    /// Why `period` is outside the window, or `nil` when it is inside. `today` is the reading day.
    public func problem(_ period: Period, today: Date) -> String? {
        if period.year < earliest { return "period \(period) is before \(earliest), the first year the catalog accepts" }
        if let latest {
            return period.year > latest ? "period \(period) is after \(latest), the last year the catalog accepts" : nil
        }
        let day = PeriodWindow.beijingDay(today)
        if period.startDay > day.number {
            return "period \(period) has not begun (today is \(day.text)): no figure can exist for it yet; the catalog accepts \(earliest) to today"
        }
        return nil
    }

    /// The calendar day in China (UTC+8), where reporting periods begin, as a day number and as text.
    static func beijingDay(_ date: Date) -> (number: Int, text: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3600)!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        let (year, month, day) = (parts.year!, parts.month!, parts.day!)
        let text = "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
        return (Period.dayNumber(year: year, month: month, day: day), text)
    }

    /// `1949–today` or `2000–2035`, as messages and the catalog's fingerprint show it.
    public var description: String { "\(earliest)–\(latest.map(String.init) ?? "today")" }
}
