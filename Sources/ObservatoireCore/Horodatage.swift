import Foundation

/// Timestamps, in one place: one form for what is stored (ISO 8601 in UTC: the ledger of
/// imports, the JSON outputs, the lock file), one for log lines (ISO 8601 in local time), one
/// for what people read (« 22/11/2026 à 10:14 »).
///
/// ```swift
/// Horodatage.iso(date)            // "2026-11-22T09:14:03Z"
/// Horodatage.francais(date)       // "22/11/2026 à 10:14" (Paris time)
/// Horodatage.lire("2026-11-22T09:14:03Z")  // the Date back
/// ```
///
/// A formatter is made per call: these run a few times per command, never per row.
public enum Horodatage {
    /// `2026-11-22T09:14:03Z`.
    public static func iso(_ d: Date = Date()) -> String {
        ISO8601DateFormatter().string(from: d)
    }

    /// `2026-11-22T10:14:03+01:00`: local time, for the lines of a log.
    public static func isoLocal(_ d: Date = Date()) -> String {
        let f = ISO8601DateFormatter()
        f.timeZone = TimeZone.current
        return f.string(from: d)
    }

    /// A stored timestamp read back (with or without fractional seconds), or nil.
    public static func lire(_ s: String) -> Date? {
        let f = ISO8601DateFormatter()
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds]] {
            f.formatOptions = options
            if let date = f.date(from: s) { return date }
        }
        return nil
    }

    /// « 22/11/2026 à 10:14 », in local time.
    public static func francais(_ d: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "fr_FR")
        f.timeZone = TimeZone.current
        f.dateFormat = "dd/MM/yyyy 'à' HH:mm"
        return f.string(from: d)
    }
}
