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

    /// A figure, or the word that replaces it when it is withheld (« < 5 », « secret »,
    /// « effectif insuffisant »).
    public func nombre(_ x: Double?, unite: Indicateur.Unite, retenue: Retenue? = nil) -> String {
        if let retenue { return Affichage.mot(retenue, seuil: seuil) }
        guard let x else { return Affichage.nonCalculable }
        switch unite {
        case .nombre: return FormatFrancais.nombre(x, decimalesMax: 1, espace: espace)
        case .jours: return FormatFrancais.decimal(x, 1, espace: espace) + espace + "j"
        case .etp: return FormatFrancais.decimal(x, 2, espace: espace) + espace + "ETP"
        }
    }

    /// The word of a withheld figure for readers (the terminal table): « < 5 », « masqué »
    /// (the reports' word for a secondary suppression; JSON and CSV keep `secret`),
    /// « effectif insuffisant ».
    public static func mot(_ r: Retenue, seuil: Int) -> String {
        r == .secret ? "masqué" : SecretStatistique.texte(r, seuil: seuil)
    }

    /// « non collecté », « pas de données »: a status that replaces every figure.
    public static func statutGlobal(_ v: ValeurIndicateur) -> String? {
        switch v.statut {
        case .nonCollecte: return "non collecté"
        case .pasDeDonnees: return "pas de données"
        default: return nil
        }
    }

    public func valeur(_ v: ValeurIndicateur) -> String {
        if let m = Affichage.statutGlobal(v) { return m }
        return nombre(v.valeur, unite: v.indicateur.unite, retenue: v.valeurRetenue)
    }

    /// The rate with its numerator and denominator: `72,4 % (362 / 500)`; empty when the
    /// indicator has no rate.
    public func taux(_ v: ValeurIndicateur, avecFraction: Bool = true) -> String {
        if let m = Affichage.statutGlobal(v) { return v.indicateur.taux != nil ? m : "" }
        guard v.aUnTaux else { return "" }
        if let r = v.tauxRetenu {
            guard avecFraction else { return Affichage.mot(r, seuil: seuil) }
            return Affichage.mot(r, seuil: seuil) + " (\(fraction(v)))"
        }
        guard let t = v.taux else { return Affichage.nonCalculable }
        let pourcent = FormatFrancais.pourcentage(t, espace: espace)
        guard avecFraction else { return pourcent }
        return "\(pourcent) (\(fraction(v)))"
    }

    /// `362 / 500`, each side replaced by its word when withheld.
    public func fraction(_ v: ValeurIndicateur) -> String {
        let num = nombre(v.numerateur ?? 0, unite: .nombre, retenue: v.numerateurRetenu)
        let den = nombre(v.denominateur ?? 0, unite: .nombre, retenue: v.denominateurRetenu)
        return "\(num) / \(den)"
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
        case .none: return v.statut == .calcule || v.statut == .nonCalcule ? Affichage.nonCalculable : "non jugée"
        }
    }

    /// A breakdown line's count.
    public func n(_ l: LigneRepartition, unite: Indicateur.Unite) -> String {
        nombre(l.n, unite: unite == .etp ? .etp : .nombre, retenue: l.retenue)
    }

    public func part(_ l: LigneRepartition) -> String {
        guard l.tauxRetenu == nil, let t = l.taux else { return "" }
        return FormatFrancais.pourcentage(t, espace: espace)
    }

    public func statistique(_ s: Statistique, unite: Indicateur.Unite) -> String {
        if let r = s.retenue { return Affichage.mot(r, seuil: seuil) }
        guard let x = s.valeur else { return Affichage.nonCalculable }
        switch s.nom {
        case "moyenne", "mediane", "p90": return nombre(x, unite: .jours)
        case "sollicitations_par_personne": return FormatFrancais.decimal(x, 2, espace: espace)
        default: return FormatFrancais.nombre(x, espace: espace)
        }
    }
}

/// The exchange format of the indicator files (`indicateurs --format csv|json`), what a
/// regional or national consolidation reads (`c360 consolider`). Documented in French, with its
/// version history, in `docs/format-echange.md`. Files written before version 1 carry no version.
public enum FormatEchange {
    /// The JSON's `format` value.
    public static let nom = "c360-indicateurs"
    /// The current version, written in every file (JSON `version_format`, CSV column `version_format`).
    public static let version = 1
    /// The extension of the SHA-256 sidecar written beside an exchange file (`sha256sum` format).
    public static let extensionEmpreinte = "sha256"
}

/// The machine outputs of the indicator table (`spec/cli.md`): JSON and the CSV export for
/// the CNSA's national consolidation.
public enum Restitution {
    /// A figure in the JSON: a number, null (not computable), or the word that replaces it
    /// when withheld (`"< 5"`, `"secret"`, `"effectif insuffisant"`).
    /// A breakdown line as the reports print it: ETP read from the data (each core member's
    /// time, 0.125) rounded to hundredths like the total, half away from zero on their decimal
    /// writing; counts as they are.
    static func arrondie(_ x: Double?, _ unite: Indicateur.Unite) -> Double? {
        unite == .etp ? x.map { FormatFrancais.arrondi($0, 2) } : x
    }

    static func nombreJSON(_ x: Double?, retenue: Retenue?, seuil: Int) -> JSON {
        if let retenue { return .texte(SecretStatistique.texte(retenue, seuil: seuil)) }
        guard let x else { return .nul }
        return .nombre(x)
    }

    /// The JSON of `c360 indicateurs --format json`, exactly as `spec/cli.md` shows it, extended
    /// with `statut`, `statistiques` where there are some, `n_1` (the previous period) and, in
    /// `externe`, what the small-count protection withheld; and, for the exchange format
    /// (``FormatEchange``), the format and its version, the C360 (name and département, when the
    /// configuration is given), the tool that wrote it and each indicator's unit.
    public static func json(_ t: TableauIndicateurs, configuration: Configuration? = nil) -> JSON {
        let s = t.seuil
        func indicateur(_ v: ValeurIndicateur, _ precedent: ValeurIndicateur?) -> JSON {
            var paires: [(String, JSON)] = [
                ("code", .texte(v.code)),
                ("libelle", .texte(v.indicateur.libelle)),
                ("statut", .texte(v.statut.rawValue)),
                ("valeur", nombreJSON(v.valeur, retenue: v.valeurRetenue, seuil: s)),
                ("taux", v.taux.map { .nombre($0) } ?? .nul),
                ("numerateur", v.aUnTaux ? nombreJSON(v.numerateur ?? 0, retenue: v.numerateurRetenu, seuil: s) : .nul),
                ("denominateur", v.aUnTaux ? nombreJSON(v.denominateur, retenue: v.denominateurRetenu, seuil: s) : .nul),
                ("cible", v.cible.map { .objet([("valeur", .nombre($0.valeur)), ("sens", .texte($0.sens.rawValue))]) } ?? .nul),
                ("atteinte", v.atteinte.map { .booleen($0) } ?? .nul),
            ]
            if let r = v.tauxRetenu { paires.append(("taux_retenu", .texte(r.rawValue))) }
            if !v.statistiques.isEmpty {
                paires.append(("statistiques", .objet(v.statistiques.map { ($0.nom, nombreJSON($0.valeur, retenue: $0.retenue, seuil: s)) })))
            }
            paires.append(("repartition", .tableau(v.repartition.map { l in
                .objet([("cle", .texte(l.cle)), ("n", nombreJSON(Restitution.arrondie(l.n, v.indicateur.unite), retenue: l.retenue, seuil: s)),
                        ("taux", l.taux.map { .nombre($0) } ?? .nul)])
            })))
            paires.append(("territorial", .booleen(v.indicateur.territorial)))
            paires.append(("unite", .texte(v.indicateur.unite.rawValue)))
            if let p = precedent {
                paires.append(("n_1", .objet([
                    ("statut", .texte(p.statut.rawValue)),
                    ("valeur", nombreJSON(p.valeur, retenue: p.valeurRetenue, seuil: s)),
                    ("taux", p.taux.map { .nombre($0) } ?? .nul),
                ])))
            }
            return .objet(paires)
        }
        var racine: [(String, JSON)] = [("format", .texte(FormatEchange.nom)), ("version_format", .entier(FormatEchange.version))]
        if let configuration {
            racine.append(("c360", .objet([("nom", .texte(configuration.nom)), ("departement", .texte(configuration.departement))])))
        }
        racine.append(("outil", .objet([("nom", .texte(Version.outil)), ("version", .texte(Version.courante))])))
        racine += [
            ("periode", .objet([("debut", .texte(t.periode.debut.iso)), ("fin", .texte(t.periode.fin.iso))])),
            ("territoire", t.territoire.map { .texte($0) } ?? .nul),
            ("diffusion", .texte(t.diffusion.rawValue)),
            ("extraction", .texte(Horodatage.iso(t.extraction))),
            ("seuil", .entier(t.seuil)),
        ]
        if let b = t.protection {
            racine.append(("protection", .objet([
                ("cellules", .entier(b.cellules)), ("petits_effectifs", .entier(b.petitsEffectifs)),
                ("secrets", .entier(b.secrets)), ("figures_retenues", .entier(b.figuresRetenues)),
                ("non_protegees", .entier(b.nonProtegees)), ("deja_publies", .entier(b.dejaPublies)),
                ("deja_deductibles", .entier(b.dejaDeductibles)),
            ])))
        }
        racine.append(("indicateurs", .tableau(t.indicateurs.map { indicateur($0, t.precedent($0.code)) })))
        return .objet(racine)
    }

    /// The columns of the CSV export. The first eighteen are those of the first exports and keep
    /// their place (other tools rely on it); the exchange format (version 1) adds the last five.
    public static let colonnesCSV = ["c360", "departement", "debut", "fin", "territoire", "diffusion", "code", "libelle",
                                     "ligne", "cle", "valeur", "numerateur", "denominateur", "taux", "cible", "sens", "atteinte", "statut",
                                     "version_format", "extraction", "version_outil", "seuil", "unite"]

    /// The CSV export for the national consolidation: one row per indicator × line (`total`,
    /// `repartition` by key, `statistique` by name), stable codes, plain numbers with a decimal
    /// point, `;` separator, UTF-8. A masked count is written `< 5`. Every row ends with the
    /// exchange format's version, the extraction date, the tool's version, the small-count
    /// threshold and the indicator's unit, so that each row stands alone.
    public static func csv(_ t: TableauIndicateurs, configuration: Configuration) -> String {
        let s = t.seuil
        var lignes = [colonnesCSV.joined(separator: ";")]
        func n(_ x: Double?, retenue: Retenue? = nil) -> String {
            if let retenue { return SecretStatistique.texte(retenue, seuil: s) }
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
        let echange = [String(FormatEchange.version), Horodatage.iso(t.extraction), Version.courante, String(t.seuil)]
        for v in t.indicateurs {
            let debut = commun + [v.code, champ(v.indicateur.libelle)]
            let fin = echange + [v.indicateur.unite.rawValue]
            let cible = v.cible.map { [n($0.valeur), $0.sens.rawValue] } ?? ["", ""]
            let atteinte = v.atteinte.map { $0 ? "oui" : "non" } ?? ""
            lignes.append((debut + ["total", "", n(v.valeur, retenue: v.valeurRetenue),
                                    v.aUnTaux ? n(v.numerateur ?? 0, retenue: v.numerateurRetenu) : "",
                                    v.aUnTaux ? n(v.denominateur, retenue: v.denominateurRetenu) : "",
                                    n(v.taux, retenue: v.tauxRetenu)] + cible + [atteinte, v.statut.rawValue] + fin).joined(separator: ";"))
            for st in v.statistiques {
                lignes.append((debut + ["statistique", st.nom, n(st.valeur, retenue: st.retenue), "", "", "", "", "", "", ""] + fin).joined(separator: ";"))
            }
            for l in v.repartition {
                // The base of a share is the breakdown's total: not written when the share is withheld.
                lignes.append((debut + ["repartition", champ(l.cle), n(Restitution.arrondie(l.n, v.indicateur.unite), retenue: l.retenue), "",
                                        l.tauxRetenu != nil ? "" : n(l.base), n(l.taux, retenue: l.tauxRetenu), "", "", "", ""] + fin).joined(separator: ";"))
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
            let n1 = p.map { v.indicateur.taux != nil && Affichage.statutGlobal($0) == nil ? a.taux($0, avecFraction: false) : a.valeur($0) } ?? ""
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
        if t.diffusion == .externe {
            l.append("< \(t.seuil) : effectif de 1 à \(t.seuil - 1), masqué (secret statistique) ; masqué : effectif (au moins \(t.seuil)) ou taux retenu pour qu'un petit effectif ne puisse être retrouvé par addition ou soustraction ; effectif insuffisant : taux, délai ou moyenne calculé sur moins de \(t.seuil) sollicitations, délai moyen, médian ou 90e centile retenu parce qu'une tranche de délai est masquée, ou répartition d'un trop petit total.")
            if let b = t.protection { l.append("Secret statistique : \(b.petitsEffectifs) petit(s) effectif(s) et \(b.secrets) effectif(s) masqué(s) en protection, sur \(b.cellules) effectifs publiés.") }
        }
        return l.joined(separator: "\n")
    }

}
