import Foundation

/// A calendar day (no time, no time zone), stored as a day number since 1970-01-01.
///
/// Delays are differences of day numbers, so they are exact calendar days.
///
/// ```swift
/// let j = Jour(annee: 2025, mois: 3, jour: 14)!
/// j.iso            // "2025-03-14"
/// (j + 20).iso     // "2025-04-03"
/// ```
public struct Jour: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public let numero: Int

    public init(numero: Int) { self.numero = numero }

    /// A valid date, or nil for an impossible one (31/02, month 13…).
    public init?(annee: Int, mois: Int, jour: Int) {
        guard annee >= 1 && annee <= 9999, mois >= 1 && mois <= 12,
              jour >= 1 && jour <= Jour.joursDansLeMois(annee: annee, mois: mois) else { return nil }
        numero = Jour.joursDepuisEpoque(annee, mois, jour)
    }

    public static func < (a: Jour, b: Jour) -> Bool { a.numero < b.numero }
    public static func + (a: Jour, n: Int) -> Jour { Jour(numero: a.numero + n) }
    public static func - (a: Jour, n: Int) -> Jour { Jour(numero: a.numero - n) }
    /// Number of days from `b` to `a`.
    public static func - (a: Jour, b: Jour) -> Int { a.numero - b.numero }

    public var composantes: (annee: Int, mois: Int, jour: Int) { Jour.civil(numero) }
    public var annee: Int { composantes.annee }
    public var mois: Int { composantes.mois }

    /// `YYYY-MM-DD`, the form stored in the database.
    public var iso: String {
        let c = composantes
        // Built digit by digit: this runs for every date stored, and String(format:) is slow.
        // Written straight into the string's storage: ten bytes fit in a small string, so no
        // allocation at all (an intermediate byte array cost one per date).
        let a = c.annee
        let z = UInt8(ascii: "0"), tiret = UInt8(ascii: "-")
        return String(unsafeUninitializedCapacity: 10) { o in
            o[0] = z + UInt8(a / 1000 % 10); o[1] = z + UInt8(a / 100 % 10); o[2] = z + UInt8(a / 10 % 10); o[3] = z + UInt8(a % 10)
            o[4] = tiret; o[5] = z + UInt8(c.mois / 10); o[6] = z + UInt8(c.mois % 10)
            o[7] = tiret; o[8] = z + UInt8(c.jour / 10); o[9] = z + UInt8(c.jour % 10)
            return 10
        }
    }

    /// `DD/MM/YYYY`, the form shown to French readers.
    public var francais: String {
        let c = composantes
        return String(format: "%02d/%02d/%04d", c.jour, c.mois, c.annee)
    }

    public var description: String { iso }

    /// The first day of the month of this day.
    public var debutDuMois: Jour { Jour(annee: annee, mois: mois, jour: 1)! }
    /// The last day of the month of this day.
    public var finDuMois: Jour {
        let c = composantes
        return Jour(annee: c.annee, mois: c.mois, jour: Jour.joursDansLeMois(annee: c.annee, mois: c.mois))!
    }

    /// Today in the local time zone of the machine, or the day fixed by the environment
    /// variable `C360_AUJOURDHUI` (YYYY-MM-DD), which tests and reproducible runs use.
    public static func aujourdhui() -> Jour {
        if let fixe = ProcessInfo.processInfo.environment["C360_AUJOURDHUI"],
           let j = Jour(iso: fixe) {
            return j
        }
        var t = time(nil)
        var tmv = tm()
        localtime_r(&t, &tmv)
        return Jour(annee: Int(tmv.tm_year) + 1900, mois: Int(tmv.tm_mon) + 1, jour: Int(tmv.tm_mday))!
    }

    /// Parses exactly `YYYY-MM-DD`.
    public init?(iso: String) {
        // Fast path for the exact form the database stores (`YYYY-MM-DD`, read back for every
        // proposition of an import): digits read on the bytes, no split.
        var iso = iso
        let champs = iso.withUTF8 { o -> (Int, Int, Int)? in
            guard o.count == 10, o[4] == 0x2D, o[7] == 0x2D else { return nil }
            var valeurs = (0, 0, 0)
            for i in 0..<10 where i != 4 && i != 7 {
                let c = o[i]
                guard c >= 0x30 && c <= 0x39 else { return nil }
                let chiffre = Int(c - 0x30)
                if i < 4 { valeurs.0 = valeurs.0 * 10 + chiffre } else if i < 7 { valeurs.1 = valeurs.1 * 10 + chiffre } else { valeurs.2 = valeurs.2 * 10 + chiffre }
            }
            return valeurs
        }
        if let (annee, mois, jour) = champs {
            guard let j = Jour(annee: annee, mois: mois, jour: jour) else { return nil }
            self = j
            return
        }
        let p = iso.split(separator: "-")
        guard p.count == 3, p[0].count == 4, let a = Int(p[0]), let m = Int(p[1]), let d = Int(p[2]),
              let j = Jour(annee: a, mois: m, jour: d) else { return nil }
        self = j
    }

    /// A day from an Excel serial number (1900 date system, with Excel's phantom 29/02/1900).
    public init?(serielExcel: Double, systeme1904: Bool = false) {
        guard serielExcel.isFinite, serielExcel >= (systeme1904 ? 0 : 1), serielExcel < 2_958_466 else { return nil }
        let n = Int(serielExcel.rounded(.down))
        if systeme1904 {
            // The 1904 system (old Mac Excel, `date1904`): serial 0 is 1904-01-01, no phantom day.
            self = Jour(annee: 1904, mois: 1, jour: 1)! + n
            return
        }
        if n == 60 { return nil } // 29/02/1900 does not exist.
        // Serial 1 is 1900-01-01; from serial 61 on, Excel counts one day too many.
        let base = Jour(annee: 1899, mois: 12, jour: 31)!
        self = base + (n < 60 ? n : n - 1)
    }

    public static func estBissextile(_ a: Int) -> Bool { (a % 4 == 0 && a % 100 != 0) || a % 400 == 0 }

    public static func joursDansLeMois(annee: Int, mois: Int) -> Int {
        switch mois {
        case 2: return estBissextile(annee) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days algorithms.
    private static func joursDepuisEpoque(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    private static func civil(_ z0: Int) -> (annee: Int, mois: Int, jour: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}

/// A closed range of days `[debut, fin]`: a year, a quarter, a month or any range.
public struct Periode: Hashable, Sendable, CustomStringConvertible {
    public let debut: Jour
    public let fin: Jour

    public init(debut: Jour, fin: Jour) {
        self.debut = debut
        self.fin = fin
    }

    public static func annee(_ a: Int) -> Periode {
        Periode(debut: Jour(annee: a, mois: 1, jour: 1)!, fin: Jour(annee: a, mois: 12, jour: 31)!)
    }

    public static func mois(_ a: Int, _ m: Int) -> Periode {
        let d = Jour(annee: a, mois: m, jour: 1)!
        return Periode(debut: d, fin: d.finDuMois)
    }

    public static func trimestre(_ a: Int, _ t: Int) -> Periode {
        let d = Jour(annee: a, mois: (t - 1) * 3 + 1, jour: 1)!
        return Periode(debut: d, fin: Jour(annee: a, mois: t * 3, jour: 1)!.finDuMois)
    }

    /// Number of days in the period, both ends included.
    public var nombreDeJours: Int { fin - debut + 1 }

    public func contient(_ j: Jour) -> Bool { j >= debut && j <= fin }

    /// The same period one year earlier (N-1). A period ending on the last day of February
    /// keeps ending on the last day of February.
    public var anneePrecedente: Periode {
        func recule(_ j: Jour, finDeMois: Bool) -> Jour {
            let c = j.composantes
            let jourMax = Jour.joursDansLeMois(annee: c.annee - 1, mois: c.mois)
            let jour = finDeMois ? jourMax : min(c.jour, jourMax)
            return Jour(annee: c.annee - 1, mois: c.mois, jour: jour)!
        }
        return Periode(debut: recule(debut, finDeMois: false), fin: recule(fin, finDeMois: fin == fin.finDuMois))
    }

    /// The months overlapping the period, as the first day of each.
    public var mois: [Jour] {
        var resultat: [Jour] = []
        var m = debut.debutDuMois
        while m <= fin {
            resultat.append(m)
            m = m.finDuMois + 1
        }
        return resultat
    }

    /// True when the period is exactly one calendar year.
    public var estUneAnnee: Bool {
        debut == Periode.annee(debut.annee).debut && fin == Periode.annee(debut.annee).fin
    }

    /// A French label: « année 2025 », « mars 2025 », « du 01/02/2025 au 15/03/2025 ».
    public var libelle: String {
        if estUneAnnee { return "année \(debut.annee)" }
        if debut == debut.debutDuMois && fin == debut.finDuMois {
            return "\(Periode.nomsDesMois[debut.mois - 1]) \(debut.annee)"
        }
        return "du \(debut.francais) au \(fin.francais)"
    }

    public var description: String { "\(debut.iso)…\(fin.iso)" }

    public static let nomsDesMois = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet",
                                     "août", "septembre", "octobre", "novembre", "décembre"]
    public static let nomsCourtsDesMois = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.",
                                           "août", "sept.", "oct.", "nov.", "déc."]
}
