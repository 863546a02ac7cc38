import Foundation
import ObservatoireCore
import Yams

/// A mapping profile: how to bring a non-canonical export — typically a coordinator's own
/// Excel tracker, one row per call with the orientation proposed and the decision on the same
/// row — to the canonical tables. Profiles are YAML files of the workspace's `profils/` folder,
/// declarative (no programming language), validated when read, and documented in French in
/// `docs/format-des-exports.md`; `data/profils/` holds commented examples.
///
/// A profile lists **sources** (a sheet or a file, chosen by file-name patterns); each source
/// feeds one or several canonical **tables**, and for each canonical column says where its
/// value comes from:
///
/// ```yaml
/// nom: suivi-appels
/// sources:
///   appels:
///     fichiers: ["*suivi*.xlsx", "*suivi*.csv"]
///     feuille: Appels
///     instantane: oui                       # each export is the whole tracker
///     ignorer_lignes:
///       - { "N° appel": { motif: "total*" } }
///     colonnes_calculees: ["Délai"]        # a formula copied down every row
///     tables:
///       sollicitations:
///         id_sollicitation: "N° appel"      # a source column
///         profil:
///           cas:
///             - si: { "Qui appelle ?": Parent, "Âge": { moins_de: 16 } }
///               valeur: enfant_sh
///           colonne: "Qui appelle ?"
///           valeurs: { Personne: adulte_sh, Parent: aidant }
///         tranche_age:
///           colonne: "Âge"
///           plages:
///             - { moins_de: 16, valeur: moins_16 }
///             - { au_moins: 16, moins_de: 21, valeur: 16_21 }
///             - { au_moins: 21, valeur: plus_21 }
///       propositions:
///         rangs: [1, 2]                     # « Orientation 1 », « Orientation 2 »
///         creer_si: { "Orientation {n}": { vide: non } }
///         decision: { colonne: "Décision {n}", valeurs: { OK: acceptee }, defaut: en_attente }
/// ```
///
/// The first format (a `tables:` section whose `colonnes` rename export headers to canonical
/// columns, with `valeurs`, `constantes`, `separateur_liste`) is still read: each of its
/// tables becomes a source of its own.
public struct ProfilCorrespondance: Sendable {
    public enum FormatDate: String, Sendable, CaseIterable {
        case jourMoisAnnee = "JJ/MM/AAAA"
        case anneeMoisJour = "AAAA-MM-JJ"
        case moisJourAnnee = "MM/JJ/AAAA"
    }

    public var nom: String
    public var description: String?
    /// The profile's file, for messages (« profils/suivi-appels.yml, ligne 23 »).
    public var fichier: String
    public var sources: [SourceProfil]

    /// Every file-name pattern of the profile.
    public var motifs: [String] { sources.flatMap(\.fichiers) }

    /// The sources whose patterns match the file name (several when a workbook has one sheet
    /// per source).
    public func sources(pourFichier fichier: String) -> [SourceProfil] {
        sources.filter { s in s.fichiers.contains { ProfilCorrespondance.correspond(fichier, motif: $0) } }
    }

    /// Whether the profile names this file in one of its patterns.
    public func reconnait(_ fichier: String) -> Bool { !sources(pourFichier: fichier).isEmpty }

    /// Whether a file name matches a shell pattern (`*saisine*.xlsx`), ignoring case.
    static func correspond(_ fichier: String, motif: String) -> Bool {
        let f = fichier.lowercased(), m = motif.lowercased()
        if fnmatch(m, f, 0) == 0 { return true }
        // A workbook with macros (.xlsm) is the same workbook: a `*.xlsx` pattern names it too.
        if m.hasSuffix(".xlsx"), f.hasSuffix(".xlsm") { return fnmatch(String(m.dropLast(5)) + ".xlsm", f, 0) == 0 }
        return false
    }

    /// Rewrites a date written in `format` as `YYYY-MM-DD`; nil when it does not fit the format
    /// (the value is then left for the canonical rules to judge: an Excel date serial, an ISO
    /// date…).
    static func dateISO(_ texte: String, format: FormatDate) -> String? {
        let t = texte.trimmingCharacters(in: .whitespaces)
        let base = t.split(separator: " ").first.map(String.init) ?? t
        let parties = base.split(whereSeparator: { $0 == "/" || $0 == "-" || $0 == "." }).map(String.init)
        guard parties.count == 3, parties.allSatisfy({ !$0.isEmpty && $0.count <= 4 && $0.allSatisfy(\.isASCII) && Int($0) != nil }) else { return nil }
        let (a, m, j): (String, String, String)
        switch format {
        case .jourMoisAnnee: (j, m, a) = (parties[0], parties[1], parties[2])
        case .anneeMoisJour: (a, m, j) = (parties[0], parties[1], parties[2])
        case .moisJourAnnee: (m, j, a) = (parties[0], parties[1], parties[2])
        }
        guard a.count == 4, let jour = Jour(annee: Int(a)!, mois: Int(m)!, jour: Int(j)!) else { return nil }
        return jour.iso
    }
}

/// One source of a profile: a sheet or a file, and the canonical tables it feeds.
public struct SourceProfil: Sendable {
    public var nom: String
    /// File-name patterns (`*suivi*.xlsx`).
    public var fichiers: [String] = []
    /// The sheet to read in a workbook (default: the first).
    public var feuille: String?
    /// Each export is the complete current state of the source (a tracker re-exported whole
    /// every month): rows missing from it are removed from the base.
    public var instantane = false
    /// How the export writes dates (default: the canonical reading rules).
    public var formatDate: ProfilCorrespondance.FormatDate?
    /// Rows to skip (a totals row): any of these condition sets.
    public var ignorer: [Conditions] = []
    /// Columns a formula copied down the tracker fills on every row (a delay, a month name): they
    /// do not make a row prepared in advance look filled in (`colonnes_calculees`).
    public var colonnesCalculees: [String] = []
    /// The tables fed, in dependency order.
    public var tables: [TableProfil] = []
    public var ligneYAML: Int?

    /// The header names the profile refers to (each rank spelled out): they help find the
    /// header row under title lines.
    public var nomsConnus: [String] {
        var noms: [String] = ignorer.flatMap { $0.tests.map(\.colonne) }
        for t in tables {
            let rangs = t.rangs.isEmpty ? [""] : t.rangs
            for n in rangs {
                noms += (t.creerSi?.tests.map(\.colonne) ?? []).map { TableProfil.substituer($0, rang: n) }
                for r in t.regles.values { noms += r.colonnesLues.map { TableProfil.substituer($0, rang: n) } }
            }
        }
        var vus: Set<String> = []
        return noms.filter { vus.insert($0).inserted }
    }

    /// Whether the source joins `colonne` of `table` from several columns (`assembler`).
    func assemble(_ table: TableCanonique, _ colonne: String) -> Bool {
        tables.first { $0.table == table }?.regles[colonne]?.assembler.isEmpty == false
    }
}

/// How one canonical table is fed by a source.
public struct TableProfil: Sendable {
    public var table: TableCanonique
    /// Ranks of repeated column groups (`[1, 2]` for « Orientation 1 », « Orientation 2 »):
    /// one row of the table per rank, `{n}` in column names standing for the rank. Empty: one
    /// row of the table per row of the source.
    public var rangs: [String] = []
    /// A row of the table is made only when these conditions hold (no proposition when the
    /// orientation cell is empty).
    public var creerSi: Conditions?
    /// Canonical column → where its value comes from.
    public var regles: [String: RegleColonne] = [:]
    public var ligneYAML: Int?

    static func substituer(_ nom: String, rang: String) -> String {
        rang.isEmpty ? nom.replacingOccurrences(of: "{n}", with: "") : nom.replacingOccurrences(of: "{n}", with: rang)
    }
}

/// Where the value of one canonical column comes from, and how it is translated.
///
/// Evaluation: the first `cas` whose conditions hold gives the value (through its own rule);
/// otherwise `valeur` (a constant), or the first non-empty of `colonnes`, or the parts of
/// `assembler` joined; then `defaut` when still empty; then the translation (`valeurs`,
/// exact or with `*` patterns, then numeric `plages`), element by element when `separateur`
/// splits the cell; then the date format.
public struct RegleColonne: Sendable {
    public var colonnes: [String] = []
    /// Columns whose values, joined with « - », make the value (a derived identifier).
    public var assembler: [String] = []
    public var valeur: String?
    public var valeurs: [(motif: Motif, valeur: String)] = []
    public var plages: [Plage] = []
    public var separateur: String?
    public var defaut: String?
    public var cas: [(si: Conditions, regle: RegleColonne)] = []
    public var formatDate: ProfilCorrespondance.FormatDate?
    public var ligneYAML: Int?
    /// The columns may be absent from the export (the first format's translations and
    /// constants of a canonical column): the default, if any, applies then.
    public var colonnesFacultatives = false

    /// The rule translates values (a value it does not know is the profile's business).
    public var traduit: Bool { !valeurs.isEmpty || !plages.isEmpty }

    /// Every source column the rule reads.
    public var colonnesLues: [String] {
        colonnes + assembler + cas.flatMap { $0.si.tests.map(\.colonne) + $0.regle.colonnesLues }
    }

    public init() {}
}

extension RegleColonne {
    /// What trackers put between several values of one cell besides a profile's `separateur`:
    /// a line break (Alt+Entrée), a comma, « + », « ; », « / », « | ».
    static let separateursUsuels: [Character] = ["\n", "\r", ",", "+", ";", "/", "|"]

    /// The translation of one value (`valeurs`, then `plages`), nil when the rule knows none:
    /// the reading a compiled rule makes of each element.
    func traduire(_ texte: String) -> String? {
        let cle = Normalisation.cle(texte)
        for (m, v) in valeurs where m.correspond(cle) { return v }
        if !plages.isEmpty, let x = Plage.nombre(texte) {
            for p in plages where p.contient(x) { return p.valeur }
        }
        return nil
    }

    /// How a cell holding several values splits, for a rule that translates them: on the rule's
    /// `separateur` first (its reading today); then each element the rule does not translate is
    /// split again on ``separateursUsuels`` when every piece of it then translates (« Logement,
    /// Emploi » under `separateur: "/"`). A value the rule translates whole is never split (a
    /// key « Aide, conseil » stays one value).
    ///
    /// - Returns: the elements, the separators met that are not the rule's own (in the order
    ///   met), and the elements still untranslated.
    func decoupage(_ texte: String) -> (elements: [String], autresSeparateurs: [String], nonTraduits: [String]) {
        let premiers: [String]
        if let separateur, !separateur.isEmpty {
            premiers = texte.components(separatedBy: separateur).map { Normalisation.rogner($0) }.filter { !$0.isEmpty }
        } else {
            premiers = [Normalisation.rogner(texte)].filter { !$0.isEmpty }
        }
        var elements: [String] = [], autres: [String] = [], nonTraduits: [String] = []
        for e in premiers {
            if traduire(e) != nil { elements.append(e); continue }
            let morceaux = e.split(whereSeparator: { RegleColonne.separateursUsuels.contains($0) })
                .map { Normalisation.rogner(String($0)) }.filter { !$0.isEmpty }
            if morceaux.count > 1 && morceaux.allSatisfy({ traduire($0) != nil }) {
                elements += morceaux
                for c in e where RegleColonne.separateursUsuels.contains(c) {
                    let nom = c == "\n" || c == "\r" ? "retour à la ligne" : String(c)
                    if !autres.contains(nom) { autres.append(nom) }
                }
            } else {
                elements.append(e)
                // The pieces the rule does not know, when the element splits; the element
                // itself otherwise.
                let inconnus = morceaux.count > 1 ? morceaux.filter { traduire($0) == nil } : [e]
                nonTraduits += inconnus
            }
        }
        return (elements, autres, nonTraduits)
    }

    /// The rule, or one of its `cas`, written at YAML line `ligne`.
    func regle(aLaLigne ligne: Int) -> RegleColonne? {
        if ligneYAML == ligne { return self }
        for c in cas { if let r = c.regle.regle(aLaLigne: ligne) { return r } }
        return nil
    }
}

/// A value pattern: exact after normalisation, or a shell-style pattern (`total*`, `?-*`)
/// matched on the normalised text.
public struct Motif: Sendable, CustomStringConvertible {
    public let texte: String
    /// The normalised value when the pattern has no wildcard.
    let exact: String?
    /// Normalised literal pieces between wildcards, and the wildcards.
    private let morceaux: [Morceau]

    enum Morceau: Sendable, Equatable { case texte(String), etoile, point }

    public init(_ texte: String) {
        self.texte = texte
        if !texte.contains("*") && !texte.contains("?") {
            exact = Normalisation.cle(texte)
            morceaux = []
            return
        }
        exact = nil
        var m: [Morceau] = []
        var courant = ""
        func vider() {
            let c = Normalisation.cle(courant)
            if !c.isEmpty { m.append(.texte(c)) }
            courant = ""
        }
        for c in texte {
            if c == "*" { vider(); if m.last != .etoile { m.append(.etoile) } }
            else if c == "?" { vider(); m.append(.point) }
            else { courant.append(c) }
        }
        vider()
        morceaux = m
    }

    public var description: String { texte }

    /// Whether a normalised value matches.
    public func correspond(_ cle: String) -> Bool {
        if let exact { return exact == cle }
        return Motif.accorder(morceaux[...], Array(cle.unicodeScalars)[...])
    }

    /// Backtracking glob match; the pieces are few (a pattern written by a person), and a star
    /// never follows a star, so this stays small.
    private static func accorder(_ m: ArraySlice<Morceau>, _ s: ArraySlice<Unicode.Scalar>) -> Bool {
        guard let premier = m.first else { return s.isEmpty }
        switch premier {
        case .texte(let t):
            let u = Array(t.unicodeScalars)
            guard s.count >= u.count, Array(s.prefix(u.count)) == u else { return false }
            return accorder(m.dropFirst(), s.dropFirst(u.count))
        case .point:
            guard !s.isEmpty else { return false }
            return accorder(m.dropFirst(), s.dropFirst())
        case .etoile:
            let reste = m.dropFirst()
            if reste.isEmpty { return true }
            var i = s.startIndex
            while true {
                if accorder(reste, s[i...]) { return true }
                if i == s.endIndex { return false }
                i = s.index(after: i)
            }
        }
    }
}

/// A numeric interval (an age in years → `tranche_age`), bounds optional.
public struct Plage: Sendable {
    public var auMoins: Double?
    public var plusDe: Double?
    public var moinsDe: Double?
    public var auPlus: Double?
    public var valeur: String?

    public func contient(_ x: Double) -> Bool {
        if let b = auMoins, !(x >= b) { return false }
        if let b = plusDe, !(x > b) { return false }
        if let b = moinsDe, !(x < b) { return false }
        if let b = auPlus, !(x <= b) { return false }
        return true
    }

    /// The age a cell gives, in years: a number alone or followed by « an », « ans »
    /// (« 15 », « 15 ans », « 15,5 »), or a number of months (« 18 mois » = 1,5). Nil for
    /// anything else — a date (« 12/03/1998 », or a date cell's serial number, 42856), a
    /// year of birth (« né en 2012 »), a number beyond 130 —, which is then not translated
    /// and the row rejected with its reason, rather than ranged by its first digits.
    static func nombre(_ texte: String) -> Double? {
        var t = Substring(Normalisation.rogner(texte))
        // « environ 12 ans », « ~12 ans »: the number that follows.
        for approximation in ["environ ", "env. ", "env ", "~"] where t.lowercased().hasPrefix(approximation) {
            t = t.dropFirst(approximation.count).drop(while: { $0 == " " })
            break
        }
        var chiffres = "", separateur = false
        var reste = t
        while let c = reste.first {
            if c.isASCII && c.isNumber {
                chiffres.append(c)
            } else if (c == "," || c == ".") && !separateur && !chiffres.isEmpty {
                separateur = true
                chiffres.append(".")
            } else {
                break
            }
            reste = reste.dropFirst()
        }
        if chiffres.hasSuffix(".") { chiffres.removeLast() }
        guard !chiffres.isEmpty, var x = Double(chiffres) else { return nil }
        switch Normalisation.cle(reste) {
        case "", "an", "ans", "ansrevolus": break
        case "mois": x /= 12
        default: return nil
        }
        return x <= 130 ? x : nil
    }
}

/// Conditions on the columns of a source row, all of which must hold.
public struct Conditions: Sendable {
    public enum Test: Sendable {
        case egal([Motif])
        case vide(Bool)
        case nombre(Plage)
    }

    public var tests: [(colonne: String, test: Test)] = []
    public var ligneYAML: Int?
}

// MARK: - Reading a profile

extension ProfilCorrespondance {
    /// Finds the profile `nom` in the workspace's `profils/` folder (`nom.yml` or `nom.yaml`).
    /// Only that file is read: another profile of the folder, even a broken one, changes nothing
    /// (when the file is absent, the others are read only to say which one was perhaps meant).
    public static func trouver(_ nom: String, dans espace: EspaceDeTravail) throws -> ProfilCorrespondance {
        let dossier = espace.dossierProfils
        for ext in ["yml", "yaml"] {
            let url = dossier.appendingPathComponent("\(nom).\(ext)")
            if FichierSur.existe(url.path) != false { return try charger(url) }
        }
        let disponibles = tous(dans: espace).map(\.0)
        var conseil = disponibles.isEmpty
            ? "Créez le fichier \(nom).yml dans ce dossier (exemples dans data/profils du projet, mode d'emploi dans docs/format-des-exports.md)."
            : "Profils disponibles : \(disponibles.joined(separator: ", ")) (--profil prend le nom du fichier, sans « .yml »)."
        let profils = ProfilsDeLEspace.charger(espace)
        // A profile declaring `nom: <nom>` in a file named otherwise.
        let homonymes = profils.valides.filter { $0.nom == nom }.map { URL(fileURLWithPath: $0.fichier).deletingPathExtension().lastPathComponent }
        if !homonymes.isEmpty {
            conseil += " Le nom « \(nom) » est déclaré dans \(homonymes.map { "« \($0) »" }.joined(separator: ", ")) : indiquez --profil \(Shell.citer(homonymes[0]))."
        }
        // A broken file may be the one meant: its name cannot be read.
        if !profils.invalides.isEmpty {
            conseil += " Attention : \(profils.invalides.count > 1 ? "les profils" : "le profil") \(profils.fichiersInvalides) \(profils.invalides.count > 1 ? "sont invalides" : "est invalide") ; "
                + "si c'est le profil voulu, corrigez-le : \(profils.invalides.map(\.erreur.message).joined(separator: " "))"
        }
        throw ErreurObservatoire(.usage, "Le profil de correspondance « \(nom) » est introuvable dans « \(dossier.path) ».", conseil: conseil)
    }

    /// The profile files of the workspace, by name.
    public static func tous(dans espace: EspaceDeTravail) -> [(String, URL)] {
        let fichiers = (try? FileManager.default.contentsOfDirectory(at: espace.dossierProfils, includingPropertiesForKeys: nil)) ?? []
        return fichiers.filter { ["yml", "yaml"].contains($0.pathExtension.lowercased()) }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
            .map { ($0.deletingPathExtension().lastPathComponent, $0) }
    }

    public static func charger(_ url: URL) throws -> ProfilCorrespondance {
        let texte: String
        do {
            texte = try FichierSur.lireTexte(url, limite: Configuration.tailleMaximale)
        } catch let e as ErreurFichier {
            throw ErreurObservatoire(.usage, "Le profil « \(url.path) » est illisible : \(e.raison).", conseil: e.conseil)
        }
        return try analyser(texte, fichier: url.path, nomParDefaut: url.deletingPathExtension().lastPathComponent)
    }

    public static func analyser(_ texte: String, fichier: String, nomParDefaut: String) throws -> ProfilCorrespondance {
        let y = LecteurYAML(fichier: fichier, titre: "Profil de correspondance invalide")
        let racine = try y.racine(texte, attendu: "les rubriques nom, description et sources")
        var profil = ProfilCorrespondance(nom: nomParDefaut, description: nil, fichier: fichier, sources: [])
        let lecteur = LecteurProfil(y: y)
        var anciennesTables: Node?
        for (cle, k, v) in try y.table(racine, cle: "racine", cles: ["nom", "description", "sources", "tables"]) {
            switch cle {
            case "nom": profil.nom = try y.texte(v, cle: "nom")
            case "description": profil.description = try y.texte(v, cle: "description")
            case "sources":
                if anciennesTables != nil { throw lecteur.deuxFormats(k) }
                for (nomSource, ks, s) in try y.table(v, cle: "sources", cles: []) {
                    profil.sources.append(try lecteur.source(s, nom: nomSource, ligne: ks.mark?.line))
                }
            default:
                if !profil.sources.isEmpty { throw lecteur.deuxFormats(k) }
                anciennesTables = v
                profil.sources = try lecteur.anciennesTables(v)
            }
        }
        guard !profil.sources.isEmpty else {
            throw y.erreur(racine, "le profil ne décrit aucune source", cle: "sources",
                           attendu: "au moins une source, par exemple « sources: » puis « suivi: » avec ses « tables: »")
        }
        return profil
    }
}

/// Walks the YAML tree of a profile, checking every key and value, and naming the YAML line of
/// every mistake.
private struct LecteurProfil {
    let y: LecteurYAML

    func deuxFormats(_ n: Node) -> ErreurObservatoire {
        y.erreur(n, "le profil a à la fois « sources » et « tables »", attendu: "l'une ou l'autre : « sources » (format actuel) ou « tables » (premier format)")
    }

    func oui(_ n: Node, cle: String) throws -> Bool {
        switch Valeurs.booleen(try y.texte(n, cle: cle)) {
        case .valeur(let b): return b
        default: throw y.erreur(n, "oui ou non attendu", cle: cle, attendu: "oui ou non")
        }
    }

    func formatDate(_ n: Node, cle: String) throws -> ProfilCorrespondance.FormatDate {
        let f = try y.texte(n, cle: cle)
        guard let format = ProfilCorrespondance.FormatDate(rawValue: f.uppercased()) else {
            throw y.erreur(n, "format de date « \(f) » inconnu", cle: cle,
                           attendu: ProfilCorrespondance.FormatDate.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return format
    }

    func motifs(_ n: Node, cle: String) throws -> [String] {
        n.scalar != nil && !y.estVide(n) ? [try y.texte(n, cle: cle)] : try y.liste(n, cle: cle)
    }

    func source(_ n: Node, nom: String, ligne: Int?) throws -> SourceProfil {
        var s = SourceProfil(nom: nom)
        s.ligneYAML = ligne
        let p = "sources.\(nom)"
        var tables: Node?
        for (cle, _, v) in try y.table(n, cle: p, cles: ["fichiers", "feuille", "instantane", "format_date", "ignorer_lignes", "colonnes_calculees", "tables"]) {
            switch cle {
            case "fichiers": s.fichiers = try motifs(v, cle: "\(p).fichiers")
            case "feuille": s.feuille = try y.texte(v, cle: "\(p).feuille")
            case "instantane": s.instantane = try oui(v, cle: "\(p).instantane")
            case "format_date": s.formatDate = try formatDate(v, cle: "\(p).format_date")
            case "ignorer_lignes":
                guard let seq = v.sequence else {
                    throw y.erreur(v, "une liste de conditions est attendue", cle: "\(p).ignorer_lignes",
                                   attendu: "- { \"N° appel\": { motif: \"total*\" } }")
                }
                s.ignorer = try seq.map { try conditions($0, cle: "\(p).ignorer_lignes") }
            case "colonnes_calculees": s.colonnesCalculees = try motifs(v, cle: "\(p).colonnes_calculees")
            default: tables = v
            }
        }
        guard let tables, !y.estVide(tables) else {
            throw y.erreur(n, "la source « \(nom) » ne nourrit aucune table", cle: "\(p).tables",
                           attendu: "« tables: » puis au moins une table (sollicitations, propositions, acteurs, equipe, membres_coeur)")
        }
        for (nomTable, kt, regles) in try y.table(tables, cle: "\(p).tables", cles: []) {
            guard let table = TableCanonique.depuisNom(nomTable) else {
                throw y.erreur(kt, "table « \(nomTable) » inconnue", cle: "\(p).tables",
                               attendu: TableCanonique.allCases.map(\.rawValue).joined(separator: ", "))
            }
            guard !s.tables.contains(where: { $0.table == table }) else {
                throw y.erreur(kt, "la table « \(nomTable) » est décrite deux fois", cle: "\(p).tables", attendu: "chaque table une seule fois par source")
            }
            s.tables.append(try tableProfil(regles, table: table, cle: "\(p).tables.\(table.rawValue)", ligne: kt.mark?.line))
        }
        s.tables.sort { $0.table < $1.table }
        try verifier(s, p)
        return s
    }

    /// Checks what needs the whole source: the request identifier, derived identifiers.
    func verifier(_ s: SourceProfil, _ p: String) throws {
        if let sol = s.tables.first(where: { $0.table == .sollicitations }), !sol.rangs.isEmpty {
            throw y.erreur(nil, "« rangs » ne s'applique qu'aux propositions (une sollicitation par ligne)", cle: "\(p).tables.sollicitations",
                           attendu: "rangs seulement sous propositions")
        }
    }

    func tableProfil(_ n: Node, table: TableCanonique, cle p: String, ligne: Int?) throws -> TableProfil {
        var t = TableProfil(table: table)
        t.ligneYAML = ligne
        let canoniques = table.colonnes.map(\.nom)
        guard n.mapping != nil else {
            throw y.erreur(n, "une rubrique est attendue ici", cle: p,
                           attendu: "une colonne du format par ligne, par exemple « id_sollicitation: \"N° appel\" »")
        }
        for (cle, k, v) in try y.table(n, cle: p, cles: []) {
            switch cle {
            case "rangs":
                let r = try y.liste(v, cle: "\(p).rangs")
                guard !r.isEmpty, Set(r).count == r.count else {
                    throw y.erreur(v, "les rangs doivent être distincts et au moins un", cle: "\(p).rangs", attendu: "[1, 2]")
                }
                t.rangs = r
            case "creer_si":
                t.creerSi = try conditions(v, cle: "\(p).creer_si")
            default:
                guard let colonne = canoniques.first(where: { Normalisation.cle($0) == Normalisation.cle(cle) }) else {
                    let proches = Normalisation.plusProches(cle, parmi: canoniques + ["rangs", "creer_si"], maximum: 1)
                    throw y.erreur(k, "« \(cle) » n'est pas une colonne de la table \(table.rawValue)\(proches.isEmpty ? "" : " ; vouliez-vous dire « \(proches[0]) » ?")",
                                   cle: p, attendu: "une colonne du format (\(canoniques.joined(separator: ", "))), « rangs » ou « creer_si »")
                }
                t.regles[colonne] = try regle(v, cle: "\(p).\(colonne)", colonne: table.colonnes.first { $0.nom == colonne }!)
            }
        }
        let utiliseRang = t.regles.values.contains { $0.colonnesLues.contains { $0.contains("{n}") } }
            || (t.creerSi?.tests.contains { $0.colonne.contains("{n}") } ?? false)
        if utiliseRang && t.rangs.isEmpty {
            throw y.erreur(n, "des colonnes contiennent « {n} » mais « rangs » n'est pas donné", cle: "\(p).rangs", attendu: "rangs: [1, 2]")
        }
        return t
    }

    static let clesRegle = ["colonne", "colonnes", "assembler", "valeur", "valeurs", "plages", "separateur", "defaut", "cas", "format_date"]

    func regle(_ n: Node, cle p: String, colonne: Colonne) throws -> RegleColonne {
        var r = RegleColonne()
        r.ligneYAML = n.mark?.line
        if n.scalar != nil {
            let texte = try y.texte(n, cle: p)
            guard !texte.isEmpty else { throw y.erreur(n, "nom de colonne vide", cle: p, attendu: "le nom de la colonne du tableur, entre guillemets") }
            r.colonnes = [texte]
            return r
        }
        for (cle, _, v) in try y.table(n, cle: p, cles: LecteurProfil.clesRegle) {
            switch cle {
            case "colonne", "colonnes": r.colonnes = try motifs(v, cle: "\(p).\(cle)")
            case "assembler": r.assembler = try y.liste(v, cle: "\(p).assembler")
            case "valeur": r.valeur = try y.texte(v, cle: "\(p).valeur")
            case "defaut": r.defaut = try y.texte(v, cle: "\(p).defaut")
            case "separateur":
                let s = try y.texte(v, cle: "\(p).separateur")
                guard !s.isEmpty else { throw y.erreur(v, "séparateur vide", cle: "\(p).separateur", attendu: "un caractère, par exemple \"/\"") }
                r.separateur = s
            case "format_date": r.formatDate = try formatDate(v, cle: "\(p).format_date")
            case "valeurs":
                for (source, _, cible) in try y.table(v, cle: "\(p).valeurs", cles: []) {
                    r.valeurs.append((Motif(source), try y.texte(cible, cle: "\(p).valeurs.\(source)")))
                }
            case "plages":
                guard let seq = v.sequence else {
                    throw y.erreur(v, "une liste de plages est attendue", cle: "\(p).plages", attendu: "- { au_moins: 16, moins_de: 21, valeur: 16_21 }")
                }
                r.plages = try seq.map { try plage($0, cle: "\(p).plages", avecValeur: true) }
            default:
                guard let seq = v.sequence else {
                    throw y.erreur(v, "une liste de cas est attendue", cle: "\(p).cas", attendu: "- si: { \"Qui appelle ?\": Parent }\n    valeur: aidant")
                }
                for c in seq {
                    guard let m = c.mapping else {
                        throw y.erreur(c, "un cas est une rubrique « si » plus une valeur", cle: "\(p).cas", attendu: "- si: { … }\n    valeur: …")
                    }
                    var si: Conditions?
                    var reste: [(Node, Node)] = []
                    for (k, x) in m {
                        if k.scalar?.string == "si" { si = try conditions(x, cle: "\(p).cas.si") } else { reste.append((k, x)) }
                    }
                    guard let si else { throw y.erreur(c, "le cas n'a pas de « si »", cle: "\(p).cas", attendu: "si: { colonne: valeur }") }
                    guard !reste.isEmpty else { throw y.erreur(c, "le cas ne dit pas quelle valeur donner", cle: "\(p).cas", attendu: "valeur: … ou colonne: …") }
                    let sousRegle = try regle(Node.mapping(Node.Mapping(reste, .implicit, .any, c.mark)), cle: "\(p).cas", colonne: colonne)
                    r.cas.append((si, sousRegle))
                }
            }
        }
        let sources = (r.valeur != nil ? 1 : 0) + (r.colonnes.isEmpty ? 0 : 1) + (r.assembler.isEmpty ? 0 : 1)
        if sources > 1 {
            throw y.erreur(n, "une seule origine par règle", cle: p, attendu: "soit « colonne », soit « valeur », soit « assembler »")
        }
        if sources == 0 && r.cas.isEmpty && r.defaut == nil {
            throw y.erreur(n, "la règle ne dit pas d'où vient la valeur", cle: p, attendu: "« colonne », « valeur », « assembler », « cas » ou « defaut »")
        }
        return r
    }

    func plage(_ n: Node, cle p: String, avecValeur: Bool) throws -> Plage {
        var pl = Plage()
        let cles = ["au_moins", "plus_de", "moins_de", "au_plus"] + (avecValeur ? ["valeur"] : [])
        for (cle, _, v) in try y.table(n, cle: p, cles: cles) {
            switch cle {
            case "au_moins": pl.auMoins = try y.nombre(v, cle: "\(p).au_moins")
            case "plus_de": pl.plusDe = try y.nombre(v, cle: "\(p).plus_de")
            case "moins_de": pl.moinsDe = try y.nombre(v, cle: "\(p).moins_de")
            case "au_plus": pl.auPlus = try y.nombre(v, cle: "\(p).au_plus")
            default: pl.valeur = try y.texte(v, cle: "\(p).valeur")
            }
        }
        if avecValeur && pl.valeur == nil {
            throw y.erreur(n, "la plage ne dit pas quelle valeur donner", cle: p, attendu: "{ au_moins: 16, moins_de: 21, valeur: 16_21 }")
        }
        if pl.auMoins == nil && pl.plusDe == nil && pl.moinsDe == nil && pl.auPlus == nil {
            throw y.erreur(n, "la plage n'a aucune borne", cle: p, attendu: "au_moins, plus_de, moins_de ou au_plus")
        }
        return pl
    }

    func conditions(_ n: Node, cle p: String) throws -> Conditions {
        var c = Conditions()
        c.ligneYAML = n.mark?.line
        for (colonne, _, v) in try y.table(n, cle: p, cles: []) {
            if let seq = v.sequence {
                c.tests.append((colonne, .egal(try seq.map { Motif(try y.texte($0, cle: "\(p).\(colonne)")) })))
            } else if v.scalar != nil {
                c.tests.append((colonne, .egal([Motif(try y.texte(v, cle: "\(p).\(colonne)"))])))
            } else {
                let paires = try y.table(v, cle: "\(p).\(colonne)", cles: ["vide", "egal", "parmi", "motif", "au_moins", "plus_de", "moins_de", "au_plus"])
                if let (_, _, x) = paires.first(where: { $0.0 == "vide" }) {
                    guard paires.count == 1 else { throw y.erreur(v, "« vide » se suffit à lui-même", cle: "\(p).\(colonne)", attendu: "{ vide: oui } ou { vide: non }") }
                    c.tests.append((colonne, .vide(try oui(x, cle: "\(p).\(colonne).vide"))))
                } else if let (cle, _, x) = paires.first(where: { ["egal", "parmi", "motif"].contains($0.0) }) {
                    guard paires.count == 1 else { throw y.erreur(v, "une seule comparaison par colonne", cle: "\(p).\(colonne)", attendu: "{ \(cle): … }") }
                    c.tests.append((colonne, .egal(try motifs(x, cle: "\(p).\(colonne).\(cle)").map(Motif.init))))
                } else {
                    c.tests.append((colonne, .nombre(try plage(v, cle: "\(p).\(colonne)", avecValeur: false))))
                }
            }
        }
        guard !c.tests.isEmpty else { throw y.erreur(n, "aucune condition", cle: p, attendu: "{ \"Colonne\": valeur }") }
        return c
    }

    // MARK: - The first format

    /// `tables: { sollicitations: { fichiers, feuille, colonnes (export → canonique), valeurs,
    /// constantes, format_date, separateur_liste } }`: each table becomes a source.
    func anciennesTables(_ v: Node) throws -> [SourceProfil] {
        var sources: [SourceProfil] = []
        for (nomTable, kt, regles) in try y.table(v, cle: "tables", cles: []) {
            guard let table = TableCanonique.depuisNom(nomTable) else {
                throw y.erreur(kt, "table « \(nomTable) » inconnue", cle: "tables",
                               attendu: TableCanonique.allCases.map(\.rawValue).joined(separator: ", "))
            }
            sources.append(try ancienneTable(regles, table: table, ligne: kt.mark?.line))
        }
        return sources.sorted { $0.tables[0].table < $1.tables[0].table }
    }

    private func ancienneTable(_ n: Node, table: TableCanonique, ligne: Int?) throws -> SourceProfil {
        var s = SourceProfil(nom: table.rawValue)
        s.ligneYAML = ligne
        var t = TableProfil(table: table)
        t.ligneYAML = ligne
        let canoniques = table.colonnes.map(\.nom)
        func colonneCanonique(_ nom: String, _ noeud: Node, _ cle: String) throws -> String {
            guard let c = canoniques.first(where: { Normalisation.cle($0) == Normalisation.cle(nom) }) else {
                let proches = Normalisation.plusProches(nom, parmi: canoniques, maximum: 1)
                throw y.erreur(noeud, "« \(nom) » n'est pas une colonne de la table \(table.rawValue)\(proches.isEmpty ? "" : " ; vouliez-vous dire « \(proches[0]) » ?")",
                               cle: cle, attendu: canoniques.joined(separator: ", "))
            }
            return c
        }
        func regle(_ c: String) -> RegleColonne { t.regles[c] ?? RegleColonne() }
        let prefixe = "tables.\(table.rawValue)"
        var constantes: [String: String] = [:]
        for (cle, _, v) in try y.table(n, cle: prefixe, cles: ["fichiers", "feuille", "colonnes", "valeurs", "constantes", "format_date", "separateur_liste"]) {
            switch cle {
            case "fichiers": s.fichiers = try motifs(v, cle: "\(prefixe).fichiers")
            case "feuille": s.feuille = try y.texte(v, cle: "\(prefixe).feuille")
            case "colonnes":
                for (source, _, cible) in try y.table(v, cle: "\(prefixe).colonnes", cles: []) {
                    let c = try colonneCanonique(try y.texte(cible, cle: "\(prefixe).colonnes"), cible, "\(prefixe).colonnes.\(source)")
                    var r = regle(c)
                    r.colonnes.append(source)
                    r.ligneYAML = r.ligneYAML ?? cible.mark?.line
                    t.regles[c] = r
                }
            case "valeurs":
                for (colonne, kc, traductions) in try y.table(v, cle: "\(prefixe).valeurs", cles: []) {
                    let c = try colonneCanonique(colonne, kc, "\(prefixe).valeurs")
                    var r = regle(c)
                    for (source, _, cible) in try y.table(traductions, cle: "\(prefixe).valeurs.\(colonne)", cles: []) {
                        r.valeurs.append((Motif(source), try y.texte(cible, cle: "\(prefixe).valeurs.\(colonne).\(source)")))
                    }
                    r.ligneYAML = r.ligneYAML ?? kc.mark?.line
                    t.regles[c] = r
                }
            case "constantes":
                for (colonne, kc, valeur) in try y.table(v, cle: "\(prefixe).constantes", cles: []) {
                    constantes[try colonneCanonique(colonne, kc, "\(prefixe).constantes")] = try y.texte(valeur, cle: "\(prefixe).constantes.\(colonne)")
                }
            case "format_date":
                s.formatDate = try formatDate(v, cle: "\(prefixe).format_date")
            default:
                for (colonne, kc, sep) in try y.table(v, cle: "\(prefixe).separateur_liste", cles: []) {
                    let c = try colonneCanonique(colonne, kc, "\(prefixe).separateur_liste")
                    var r = regle(c)
                    r.separateur = try y.texte(sep, cle: "\(prefixe).separateur_liste.\(colonne)")
                    t.regles[c] = r
                }
            }
        }
        // A constant of the first format fills the column when the export has none, or an empty cell.
        for (c, valeur) in constantes {
            var r = regle(c)
            r.defaut = valeur
            t.regles[c] = r
        }
        // Translations and split rules without a renamed column apply to the canonical column
        // of the same name: the rule reads it.
        // A constant alone lets an export column of the canonical name win when it is filled.
        // In this format a column named by the profile may be absent from an export: the
        // column is then missing (or takes its constant), as it always did.
        for (c, r) in t.regles {
            var r2 = r
            if r2.colonnes.isEmpty && r2.valeur == nil { r2.colonnes = [c] }
            r2.colonnesFacultatives = true
            t.regles[c] = r2
        }
        s.tables = [t]
        return s
    }
}
