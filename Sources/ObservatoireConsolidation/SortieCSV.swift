import Foundation
import ObservatoireCore
import ObservatoireIndicateurs

/// The consolidated table as CSV (`c360 consolider --format csv`), for spreadsheets and scripts:
/// `;`-separated UTF-8, plain numbers with a decimal point, one row per C360 × indicator (its
/// figures as published, withheld ones in words) and one `ensemble` row per indicator (the
/// consolidated figures, how many C360s they cover, the spread of the C360s' figures).
public enum SortieCSV {
    public static let colonnes = [
        "perimetre", "debut", "fin", "niveau", "departement", "c360", "code", "libelle", "statut",
        "valeur", "numerateur", "denominateur", "taux", "cible", "sens", "atteinte", "rang", "sur",
        "valeur_n_1", "taux_n_1", "evolution", "couverture_valeur", "couverture_taux", "c360_total",
        "minimum", "q1", "mediane", "q3", "maximum",
    ]

    public static func texte(_ c: Consolidation) -> String {
        var lignes = [colonnes.joined(separator: ";")]
        func n(_ x: Double?) -> String {
            guard let x, x.isFinite else { return "" }
            return x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
        }
        func f(_ x: Figure, seuil: Int?) -> String {
            switch x {
            case .nombre(let v): return n(v)
            case .retenue(let r): return SecretStatistique.texte(r, seuil: seuil ?? c.seuil)
            case .absente: return ""
            }
        }
        let commun = [champ(c.perimetre.libelle), c.periode.debut.iso, c.periode.fin.iso]
        let total = String(c.c360.count)
        for i in c.indicateurs {
            let ranges = String(i.lignes.filter { $0.rang != nil }.count)
            for l in i.lignes {
                let seuil = c.participants.first { $0.departement == l.departement }?.fichier?.seuil
                let x = l.indicateur, p = l.precedent
                let cible = x?.cible.map { [n($0.valeur), $0.sens.rawValue] } ?? ["", ""]
                lignes.append((commun + ["c360", l.departement.code, champ(l.c360), i.code, champ(i.libelle), x?.statut.rawValue ?? "absent",
                                         x.map { f($0.valeur, seuil: seuil) } ?? "", x.map { f($0.numerateur, seuil: seuil) } ?? "",
                                         x.map { f($0.denominateur, seuil: seuil) } ?? "", x.map { f($0.taux, seuil: seuil) } ?? ""] + cible
                               + [x?.atteinte.map { $0 ? "oui" : "non" } ?? "", l.rang.map(String.init) ?? "", l.rang == nil ? "" : ranges,
                                  p.map { f($0.valeur, seuil: seuil) } ?? "", p.map { f($0.taux, seuil: seuil) } ?? "", n(l.evolution),
                                  "", "", "", "", "", "", "", ""]).joined(separator: ";"))
            }
            let e = i.ensemble, d = i.distribution
            let cible = i.cibleCommune.map { [n($0.valeur), $0.sens.rawValue] } ?? ["", ""]
            let n1 = i.ensembleN1Constant
            lignes.append((commun + ["ensemble", "", "", i.code, champ(i.libelle), "consolide", n(e.valeur), n(e.numerateur), n(e.denominateur), n(e.taux)]
                           + cible + ["", "", "", n(n1?.valeur), n(n1?.taux), n(i.evolutionEnsemble),
                                      String(e.couvertureValeur.count), i.aUnTaux ? String(e.couvertureTaux.count) : "", total,
                                      n(d?.minimum), n(d?.q1), n(d?.mediane), n(d?.q3), n(d?.maximum)]).joined(separator: ";"))
        }
        return lignes.joined(separator: "\n") + "\n"
    }

    /// Text from the files: quoted when needed, and never read as a formula by a spreadsheet.
    static func champ(_ texte: String) -> String {
        var t = texte
        if let premier = t.first, "=+-@\t\r".contains(premier) { t = "'" + t }
        if t.contains(";") || t.contains("\"") || t.contains("\n") || t.contains("\r") {
            return "\"" + t.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return t
    }
}
