import Foundation
import ObservatoireCore

/// French text for the figures of an indicator, the same in the terminal table and the HTML
/// report: `5 000`, `25,6 j`, `3,25 ETP`, `72,4 %`, `< 5` (masked), `n.c.` (not computable).
public struct Affichage {
    public let seuil: Int
    /// Thousands separator: a space in the terminal, a non-breaking space in HTML.
    public let espace: String

    public init(seuil: Int, espace: String = " ") {
        self.seuil = seuil
        self.espace = espace
    }

    public static let nonCalculable = "n.c."

    public func nombre(_ x: Double?, unite: Indicateur.Unite, masque: Bool = false) -> String {
        if masque { return SecretStatistique.libelle(seuil: seuil) }
        guard let x else { return Affichage.nonCalculable }
        switch unite {
        case .nombre: return FormatFrancais.nombre(x, decimalesMax: 1, espace: espace)
        case .jours: return FormatFrancais.decimal(x, 1, espace: espace) + espace + "j"
        case .etp: return FormatFrancais.decimal(x, 2, espace: espace) + espace + "ETP"
        }
    }

    public func valeur(_ v: ValeurIndicateur) -> String {
        nombre(v.valeur, unite: v.indicateur.unite, masque: v.valeurMasquee)
    }

    /// The rate with its numerator and denominator: `72,4 % (362 / 500)`; empty when the
    /// indicator has no rate.
    public func taux(_ v: ValeurIndicateur, avecFraction: Bool = true) -> String {
        guard v.aUnTaux else { return "" }
        if v.tauxMasque { return SecretStatistique.libelle(seuil: seuil) }
        guard let t = v.taux else { return Affichage.nonCalculable }
        let pourcent = FormatFrancais.pourcentage(t, espace: espace)
        guard avecFraction else { return pourcent }
        let num = v.numerateurMasque ? SecretStatistique.libelle(seuil: seuil) : FormatFrancais.nombre(v.numerateur ?? 0, espace: espace)
        let den = v.denominateurMasque ? SecretStatistique.libelle(seuil: seuil) : FormatFrancais.nombre(v.denominateur ?? 0, espace: espace)
        return "\(pourcent) (\(num) / \(den))"
    }

    public func cible(_ v: ValeurIndicateur) -> String {
        guard let c = v.cible else { return "" }
        let valeur = v.aUnTaux ? FormatFrancais.pourcentage(c.valeur, espace: espace) : nombre(c.valeur, unite: v.indicateur.unite)
        return (c.sens == .auMoins ? "≥" : "≤") + espace + valeur
    }

    public func atteinte(_ v: ValeurIndicateur) -> String {
        guard v.cible != nil else { return "" }
        switch v.atteinte {
        case .some(true): return "atteinte"
        case .some(false): return "non atteinte"
        case .none: return v.valeurMasquee || v.tauxMasque ? "secret" : Affichage.nonCalculable
        }
    }

    /// A breakdown line's count.
    public func n(_ l: LigneRepartition, unite: Indicateur.Unite) -> String {
        if l.secondaire { return SecretStatistique.libelleSecondaire }
        return nombre(l.n, unite: unite == .etp ? .etp : .nombre, masque: l.masquee)
    }

    public func part(_ l: LigneRepartition) -> String {
        if l.masquee || l.secondaire { return "" }
        guard let t = l.taux else { return "" }
        return FormatFrancais.pourcentage(t, espace: espace)
    }

    public func statistique(_ s: Statistique, unite: Indicateur.Unite) -> String {
        if s.masquee { return SecretStatistique.libelle(seuil: seuil) }
        guard let x = s.valeur else { return Affichage.nonCalculable }
        switch s.nom {
        case "moyenne", "mediane", "p90": return nombre(x, unite: .jours)
        case "sollicitations_par_personne": return FormatFrancais.decimal(x, 2, espace: espace)
        default: return FormatFrancais.nombre(x, espace: espace)
        }
    }
}

/// The machine outputs of the indicator table (`spec/cli.md`): JSON and the CSV export for
/// the CNSA's national consolidation.
public enum Restitution {
    static func nombreJSON(_ x: Double?, masque: Bool, secondaire: Bool = false, seuil: Int) -> JSON {
        if secondaire { return .texte(SecretStatistique.libelleSecondaire) }
        if masque { return .texte(SecretStatistique.libelle(seuil: seuil)) }
        guard let x else { return .nul }
        return .nombre(x)
    }

    /// The JSON of `c360 indicateurs --format json`, exactly as `spec/cli.md` shows it, extended
    /// with `statistiques` where there are some and `n_1` (the previous period).
    public static func json(_ t: TableauIndicateurs) -> JSON {
        let s = t.seuil
        func indicateur(_ v: ValeurIndicateur, _ precedent: ValeurIndicateur?) -> JSON {
            var paires: [(String, JSON)] = [
                ("code", .texte(v.code)),
                ("libelle", .texte(v.indicateur.libelle)),
                ("valeur", nombreJSON(v.valeur, masque: v.valeurMasquee, seuil: s)),
                ("taux", v.taux.map { .nombre($0) } ?? .nul),
                ("numerateur", v.aUnTaux ? nombreJSON(v.numerateur ?? 0, masque: v.numerateurMasque, seuil: s) : .nul),
                ("denominateur", v.aUnTaux ? nombreJSON(v.denominateur, masque: v.denominateurMasque, seuil: s) : .nul),
                ("cible", v.cible.map { .objet([("valeur", .nombre($0.valeur)), ("sens", .texte($0.sens.rawValue))]) } ?? .nul),
                ("atteinte", v.atteinte.map { .booleen($0) } ?? .nul),
            ]
            if !v.statistiques.isEmpty {
                paires.append(("statistiques", .objet(v.statistiques.map { ($0.nom, nombreJSON($0.valeur, masque: $0.masquee, seuil: s)) })))
            }
            paires.append(("repartition", .tableau(v.repartition.map { l in
                .objet([("cle", .texte(l.cle)), ("n", nombreJSON(l.n, masque: l.masquee, secondaire: l.secondaire, seuil: s)),
                        ("taux", l.taux.map { .nombre($0) } ?? .nul)])
            })))
            paires.append(("territorial", .booleen(v.indicateur.territorial)))
            if let p = precedent {
                paires.append(("n_1", .objet([
                    ("valeur", nombreJSON(p.valeur, masque: p.valeurMasquee, seuil: s)),
                    ("taux", p.taux.map { .nombre($0) } ?? .nul),
                ])))
            }
            return .objet(paires)
        }
        return .objet([
            ("periode", .objet([("debut", .texte(t.periode.debut.iso)), ("fin", .texte(t.periode.fin.iso))])),
            ("territoire", t.territoire.map { .texte($0) } ?? .nul),
            ("diffusion", .texte(t.diffusion.rawValue)),
            ("extraction", .texte(Horodatage.iso(t.extraction))),
            ("seuil", .entier(t.seuil)),
            ("indicateurs", .tableau(t.indicateurs.map { indicateur($0, t.precedent($0.code)) })),
        ])
    }

    public static let colonnesCSV = ["c360", "departement", "debut", "fin", "territoire", "diffusion", "code", "libelle",
                                     "ligne", "cle", "valeur", "numerateur", "denominateur", "taux", "cible", "sens", "atteinte"]

    /// The CSV export for the national consolidation: one row per indicator × line (`total`,
    /// `repartition` by key, `statistique` by name), stable codes, plain numbers with a decimal
    /// point, `;` separator, UTF-8. A masked count is written `< 5`.
    public static func csv(_ t: TableauIndicateurs, configuration: Configuration) -> String {
        let s = t.seuil
        var lignes = [colonnesCSV.joined(separator: ";")]
        func n(_ x: Double?, masque: Bool = false, secondaire: Bool = false) -> String {
            if secondaire { return SecretStatistique.libelleSecondaire }
            if masque { return SecretStatistique.libelle(seuil: s) }
            guard let x else { return "" }
            return x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
        }
        func champ(_ texte: String) -> String {
            // Text from data or configuration: quoted when needed, and never read as a formula.
            var t = texte
            if let premier = t.first, "=+-@\t\r".contains(premier) { t = "'" + t }
            if t.contains(";") || t.contains("\"") || t.contains("\n") || t.contains("\r") {
                return "\"" + t.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return t
        }
        let commun = [champ(configuration.nom), configuration.departement, t.periode.debut.iso, t.periode.fin.iso,
                      champ(t.territoire ?? ""), t.diffusion.rawValue]
        for v in t.indicateurs {
            let debut = commun + [v.code, champ(v.indicateur.libelle)]
            let cible = v.cible.map { [n($0.valeur), $0.sens.rawValue] } ?? ["", ""]
            let atteinte = v.atteinte.map { $0 ? "oui" : "non" } ?? ""
            lignes.append((debut + ["total", "", n(v.valeur, masque: v.valeurMasquee),
                                    v.aUnTaux ? n(v.numerateur ?? 0, masque: v.numerateurMasque) : "",
                                    v.aUnTaux ? n(v.denominateur, masque: v.denominateurMasque) : "",
                                    n(v.taux)] + cible + [atteinte]).joined(separator: ";"))
            for st in v.statistiques {
                lignes.append((debut + ["statistique", st.nom, n(st.valeur, masque: st.masquee), "", "", "", "", "", ""]).joined(separator: ";"))
            }
            for l in v.repartition {
                lignes.append((debut + ["repartition", champ(l.cle), n(l.n, masque: l.masquee, secondaire: l.secondaire), "",
                                        n(l.base), n(l.taux), "", "", ""]).joined(separator: ";"))
            }
        }
        return lignes.joined(separator: "\n") + "\n"
    }

    /// The readable French table of the terminal: n°, indicateur, valeur, taux, N-1, cible, atteinte.
    public static func texte(_ t: TableauIndicateurs, nom: String) -> String {
        let a = Affichage(seuil: t.seuil)
        var l: [String] = []
        let territoire = t.territoire.map { " — territoire « \($0) »" } ?? ""
        l.append("Indicateurs du cahier des charges — \(nom) — \(t.periode.libelle)\(territoire)")
        l.append("Diffusion \(t.diffusion.rawValue)\(t.diffusion == .externe ? " (effectifs de 1 à \(t.seuil - 1) masqués)" : "") ; données extraites le \(Horodatage.francais(t.extraction)).")
        l.append("")
        let entete = ["N°", "Indicateur", "Valeur", "Taux", "N-1", "Cible", "Atteinte"]
        var lignes: [[String]] = []
        for v in t.indicateurs {
            let p = t.precedent(v.code)
            let n1 = p.map { v.aUnTaux ? a.taux($0, avecFraction: false) : a.valeur($0) } ?? ""
            var libelle = v.indicateur.libelle
            if libelle.count > 58 { libelle = String(libelle.prefix(57)) + "…" }
            if t.territoire != nil && !v.indicateur.territorial { libelle += " *" }
            lignes.append([v.code, libelle, a.valeur(v), a.taux(v), n1, a.cible(v), a.atteinte(v)])
        }
        var largeurs = entete.map(\.count)
        for r in lignes { for (i, c) in r.enumerated() { largeurs[i] = max(largeurs[i], c.count) } }
        func ligne(_ r: [String]) -> String {
            r.enumerated().map { i, c in
                let pad = String(repeating: " ", count: largeurs[i] - c.count)
                return i == 1 || i == 0 ? c + pad : pad + c
            }.joined(separator: "  ")
        }
        l.append(ligne(entete))
        l.append(largeurs.map { String(repeating: "─", count: $0) }.joined(separator: "  "))
        for (i, r) in lignes.enumerated() {
            if i > 0 && !t.indicateurs[i].indicateur.estOfficiel && t.indicateurs[i - 1].indicateur.estOfficiel {
                l.append("")
                l.append("Indicateurs complémentaires")
            }
            l.append(ligne(r))
        }
        l.append("")
        l.append("n.c. : non calculable (dénominateur nul). Taux : numérateur / dénominateur entre parenthèses.")
        if t.territoire != nil { l.append("* indicateur calculé pour toute la C360 (équipe, annuaire, membres cœur)." ) }
        if t.diffusion == .externe { l.append("< \(t.seuil) : effectif masqué (secret statistique) ; secret : masqué pour qu'un effectif masqué ne puisse être retrouvé par différence.") }
        return l.joined(separator: "\n")
    }

}
