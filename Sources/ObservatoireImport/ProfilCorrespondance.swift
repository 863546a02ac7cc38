import Foundation
import ObservatoireCore
import Yams

/// A mapping profile: how to bring the export of a case tool that is not canonical to the
/// canonical format — column renames, value translations per column, constants, date format,
/// sheet, and a split rule for a column holding several values. Profiles are YAML files of
/// the workspace's `profils/` folder; see `data/profils/` for commented examples.
///
/// ```yaml
/// nom: fiche-saisine
/// tables:
///   sollicitations:
///     fichiers: ["*saisine*.xlsx"]
///     colonnes: { "Date de réception": date_sollicitation, "Public concerné": profil }
///     valeurs: { profil: { "Enfant": enfant_sh, "Parent": aidant } }
///     constantes: { departement: "62" }
/// ```
public struct ProfilCorrespondance: Sendable {
    public enum FormatDate: String, Sendable, CaseIterable {
        case jourMoisAnnee = "JJ/MM/AAAA"
        case anneeMoisJour = "AAAA-MM-JJ"
        case moisJourAnnee = "MM/JJ/AAAA"
    }

    /// The rules for one table.
    public struct Regles: Sendable {
        public var table: TableCanonique
        /// File-name patterns (`*saisine*.xlsx`) selecting the files this table's rules apply to.
        public var fichiers: [String] = []
        /// The sheet to read in a workbook (default: the first).
        public var feuille: String?
        /// Export header → canonical column.
        public var renommages: [String: String] = [:]
        /// Canonical column → (normalised export value → canonical value).
        public var valeurs: [String: [String: String]] = [:]
        /// Canonical column → value used when the export has no such column or leaves it empty.
        public var constantes: [String: String] = [:]
        /// How the export writes dates (default: the canonical reading rules).
        public var formatDate: FormatDate?
        /// Canonical column → separator between several values in one cell.
        public var separateurs: [String: String] = [:]
    }

    public var nom: String
    public var description: String?
    public var tables: [TableCanonique: Regles]

    /// The rules that apply to a file: those of `table` when given, else those whose file
    /// patterns match the file name, else the only table of the profile.
    public func regles(pourFichier fichier: String, table: TableCanonique?) -> Regles? {
        if let table { return tables[table] }
        for t in TableCanonique.allCases {
            guard let r = tables[t] else { continue }
            if r.fichiers.contains(where: { ProfilCorrespondance.correspond(fichier, motif: $0) }) { return r }
        }
        return tables.count == 1 ? tables.values.first : nil
    }

    /// Whether the profile names this file in one of its patterns.
    public func reconnait(_ fichier: String) -> Bool {
        tables.values.contains { $0.fichiers.contains { ProfilCorrespondance.correspond(fichier, motif: $0) } }
    }

    /// Whether a file name matches a shell pattern (`*saisine*.xlsx`), ignoring case.
    static func correspond(_ fichier: String, motif: String) -> Bool {
        fnmatch(motif.lowercased(), fichier.lowercased(), 0) == 0
    }

    /// Applies constants, split rules, value translations and the date format to the values
    /// of one row (one per canonical column of `table`).
    public func traduire(_ valeurs: [String?], table: TableCanonique, fichier: String) -> [String?] {
        guard let r = regles(pourFichier: fichier, table: table) else { return valeurs }
        var sortie = valeurs
        for (i, colonne) in table.colonnes.enumerated() {
            var v = sortie[i]
            if let c = r.constantes[colonne.nom], (v ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                v = c
            }
            guard var texte = v else { continue }
            let traductions = r.valeurs[colonne.nom]
            if let sep = r.separateurs[colonne.nom], !sep.isEmpty {
                let elements = texte.components(separatedBy: sep).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                texte = elements.map { traductions?[Normalisation.cle($0)] ?? $0 }.joined(separator: "|")
            } else if let traductions, let t = traductions[Normalisation.cle(texte)] {
                texte = t
            }
            if colonne.type == .date, let format = r.formatDate {
                texte = ProfilCorrespondance.dateISO(texte, format: format) ?? texte
            }
            sortie[i] = texte
        }
        return sortie
    }

    /// Rewrites a date written in `format` as `YYYY-MM-DD`; nil when it does not fit the format
    /// (the value is then left for the canonical rules to judge).
    static func dateISO(_ texte: String, format: FormatDate) -> String? {
        let t = texte.trimmingCharacters(in: .whitespaces)
        let base = t.split(separator: " ").first.map(String.init) ?? t
        let parties = base.split(whereSeparator: { $0 == "/" || $0 == "-" || $0 == "." }).map(String.init)
        guard parties.count == 3, parties.allSatisfy({ Int($0) != nil }) else { return nil }
        let (a, m, j): (String, String, String)
        switch format {
        case .jourMoisAnnee: (j, m, a) = (parties[0], parties[1], parties[2])
        case .anneeMoisJour: (a, m, j) = (parties[0], parties[1], parties[2])
        case .moisJourAnnee: (m, j, a) = (parties[0], parties[1], parties[2])
        }
        guard a.count == 4, let jour = Jour(annee: Int(a)!, mois: Int(m)!, jour: Int(j)!) else { return nil }
        return jour.iso
    }

    // MARK: - Reading

    /// Finds the profile `nom` in the workspace's `profils/` folder (`nom.yml` or `nom.yaml`).
    public static func trouver(_ nom: String, dans espace: EspaceDeTravail) throws -> ProfilCorrespondance {
        let dossier = espace.dossierProfils
        for ext in ["yml", "yaml"] {
            let url = dossier.appendingPathComponent("\(nom).\(ext)")
            if FileManager.default.fileExists(atPath: url.path) { return try charger(url) }
        }
        let disponibles = tous(dans: espace).map(\.0)
        throw ErreurObservatoire(.usage, "Le profil de correspondance « \(nom) » est introuvable dans « \(dossier.path) ».",
                                 conseil: disponibles.isEmpty
                                    ? "Créez le fichier \(nom).yml dans ce dossier (exemples dans data/profils du projet)."
                                    : "Profils disponibles : \(disponibles.joined(separator: ", ")).")
    }

    /// The profile files of the workspace, by name.
    public static func tous(dans espace: EspaceDeTravail) -> [(String, URL)] {
        let fichiers = (try? FileManager.default.contentsOfDirectory(at: espace.dossierProfils, includingPropertiesForKeys: nil)) ?? []
        return fichiers.filter { ["yml", "yaml"].contains($0.pathExtension.lowercased()) }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
            .map { ($0.deletingPathExtension().lastPathComponent, $0) }
    }

    public static func charger(_ url: URL) throws -> ProfilCorrespondance {
        guard let texte = try? String(contentsOf: url, encoding: .utf8) else {
            throw ErreurObservatoire(.usage, "Le profil « \(url.path) » est illisible.", conseil: "Enregistrez-le en UTF-8.")
        }
        return try analyser(texte, fichier: url.path, nomParDefaut: url.deletingPathExtension().lastPathComponent)
    }

    public static func analyser(_ texte: String, fichier: String, nomParDefaut: String) throws -> ProfilCorrespondance {
        let y = LecteurYAML(fichier: fichier, titre: "Profil de correspondance invalide")
        let racine = try y.racine(texte, attendu: "les rubriques nom, description et tables")
        var profil = ProfilCorrespondance(nom: nomParDefaut, description: nil, tables: [:])
        for (cle, _, v) in try y.table(racine, cle: "racine", cles: ["nom", "description", "tables"]) {
            switch cle {
            case "nom": profil.nom = try y.texte(v, cle: "nom")
            case "description": profil.description = try y.texte(v, cle: "description")
            default:
                for (nomTable, kt, regles) in try y.table(v, cle: "tables", cles: []) {
                    guard let table = TableCanonique.depuisNom(nomTable) else {
                        throw y.erreur(kt, "table « \(nomTable) » inconnue", cle: "tables",
                                       attendu: TableCanonique.allCases.map(\.rawValue).joined(separator: ", "))
                    }
                    profil.tables[table] = try lireRegles(regles, table: table, y: y)
                }
            }
        }
        guard !profil.tables.isEmpty else {
            throw y.erreur(racine, "le profil ne décrit aucune table", cle: "tables", attendu: "au moins une table, par exemple « sollicitations: »")
        }
        return profil
    }

    private static func lireRegles(_ n: Node, table: TableCanonique, y: LecteurYAML) throws -> Regles {
        var r = Regles(table: table)
        let canoniques = table.colonnes.map(\.nom)
        func colonneCanonique(_ nom: String, _ noeud: Node, _ cle: String) throws -> String {
            guard let c = canoniques.first(where: { Normalisation.cle($0) == Normalisation.cle(nom) }) else {
                let proches = Normalisation.plusProches(nom, parmi: canoniques, maximum: 1)
                throw y.erreur(noeud, "« \(nom) » n'est pas une colonne de la table \(table.rawValue)\(proches.isEmpty ? "" : " ; vouliez-vous dire « \(proches[0]) » ?")",
                               cle: cle, attendu: canoniques.joined(separator: ", "))
            }
            return c
        }
        let prefixe = "tables.\(table.rawValue)"
        for (cle, _, v) in try y.table(n, cle: prefixe, cles: ["fichiers", "feuille", "colonnes", "valeurs", "constantes", "format_date", "separateur_liste"]) {
            switch cle {
            case "fichiers":
                r.fichiers = v.scalar != nil && !y.estVide(v) ? [try y.texte(v, cle: "\(prefixe).fichiers")] : try y.liste(v, cle: "\(prefixe).fichiers")
            case "feuille":
                r.feuille = try y.texte(v, cle: "\(prefixe).feuille")
            case "colonnes":
                for (source, _, cible) in try y.table(v, cle: "\(prefixe).colonnes", cles: []) {
                    r.renommages[source] = try colonneCanonique(try y.texte(cible, cle: "\(prefixe).colonnes"), cible, "\(prefixe).colonnes.\(source)")
                }
            case "valeurs":
                for (colonne, kc, traductions) in try y.table(v, cle: "\(prefixe).valeurs", cles: []) {
                    let c = try colonneCanonique(colonne, kc, "\(prefixe).valeurs")
                    var t: [String: String] = [:]
                    for (source, _, cible) in try y.table(traductions, cle: "\(prefixe).valeurs.\(colonne)", cles: []) {
                        t[Normalisation.cle(source)] = try y.texte(cible, cle: "\(prefixe).valeurs.\(colonne).\(source)")
                    }
                    r.valeurs[c] = t
                }
            case "constantes":
                for (colonne, kc, valeur) in try y.table(v, cle: "\(prefixe).constantes", cles: []) {
                    r.constantes[try colonneCanonique(colonne, kc, "\(prefixe).constantes")] = try y.texte(valeur, cle: "\(prefixe).constantes.\(colonne)")
                }
            case "format_date":
                let f = try y.texte(v, cle: "\(prefixe).format_date")
                guard let format = FormatDate(rawValue: f.uppercased()) else {
                    throw y.erreur(v, "format de date « \(f) » inconnu", cle: "\(prefixe).format_date",
                                   attendu: FormatDate.allCases.map(\.rawValue).joined(separator: ", "))
                }
                r.formatDate = format
            default:
                for (colonne, kc, sep) in try y.table(v, cle: "\(prefixe).separateur_liste", cles: []) {
                    r.separateurs[try colonneCanonique(colonne, kc, "\(prefixe).separateur_liste")] = try y.texte(sep, cle: "\(prefixe).separateur_liste.\(colonne)")
                }
            }
        }
        return r
    }
}
