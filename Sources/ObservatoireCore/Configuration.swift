import Foundation
import Yams

/// A target (*Cible*) of the roadmap for one indicator: a value and a direction.
public struct Cible: Equatable, Sendable {
    public enum Sens: String, Sendable {
        case auMoins = ">="
        case auPlus = "<="
    }

    public var valeur: Double
    public var sens: Sens

    public init(valeur: Double, sens: Sens) {
        self.valeur = valeur
        self.sens = sens
    }

    /// Whether `mesure` meets the target.
    public func estAtteinte(par mesure: Double) -> Bool {
        switch sens {
        case .auMoins: return mesure >= valeur
        case .auPlus: return mesure <= valeur
        }
    }
}

/// Where the workspace keeps its files; relative paths are relative to the workspace.
public struct Chemins: Equatable, Sendable {
    public var baseDeDonnees = "donnees/observatoire.sqlite"
    public var cle = "donnees/cle-pseudonymisation"
    public var aTraiter = "a-traiter"
    public var archives = "archives"
    public var erreurs = "erreurs"
    public var rapports = "rapports"
    public var journaux = "journaux"
    public var recit = "recit.md"
    public var profils = "profils"
    public var modeles = "modeles"

    public init() {}
}

/// The configuration of a workspace (`observatoire.yml`).
///
/// ```swift
/// let config = try Configuration.charger(depuis: url)
/// config.seuilPetitsEffectifs   // 5
/// config.cibles["1.7"]          // Cible(valeur: 30, sens: .auPlus)
/// ```
public struct Configuration: Equatable, Sendable {
    public static let nomDeFichier = "observatoire.yml"

    /// The default problem typology of `spec/format-export.md`.
    public static let typologieParDefaut = [
        "acces_droits", "scolarisation_formation", "emploi", "logement_habitat", "sante_soins",
        "accompagnement_medico_social", "repit_aidants", "vie_sociale_loisirs", "mobilite_transport",
        "ressources", "autre",
    ]

    /// The codes of the indicators of the cahier des charges.
    public static let codesOfficiels = ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7",
                                        "2.1", "2.2", "2.3", "3.1", "4.1", "4.2", "4.3", "5.1"]

    public var nom: String
    public var departement: String
    /// The infra-departmental territories; empty accepts any territory name.
    public var territoires: [String]
    public var typologie: [String]
    /// Targets by indicator code (`"1.7"`). Rates are compared in percent.
    public var cibles: [String: Cible]
    /// Counts from 1 to `seuilPetitsEffectifs − 1` are masked in `externe` diffusion.
    public var seuilPetitsEffectifs: Int
    public var chemins: Chemins

    public init(nom: String, departement: String, territoires: [String] = [],
                typologie: [String] = Configuration.typologieParDefaut,
                cibles: [String: Cible] = Configuration.ciblesParDefaut,
                seuilPetitsEffectifs: Int = 5, chemins: Chemins = Chemins()) {
        self.nom = nom
        self.departement = departement
        self.territoires = territoires
        self.typologie = typologie
        self.cibles = cibles
        self.seuilPetitsEffectifs = seuilPetitsEffectifs
        self.chemins = chemins
    }

    /// The example targets of `spec/indicateurs.md`, written by `c360 init` for the C360 to adapt.
    public static let ciblesParDefaut: [String: Cible] = [
        "1.6": Cible(valeur: 70, sens: .auMoins),
        "1.7": Cible(valeur: 30, sens: .auPlus),
        "2.3": Cible(valeur: 50, sens: .auMoins),
    ]

    /// Whether `code` is a valid INSEE département code (`01`…`95`, `2A`, `2B`, `971`…`976`).
    public static func estCodeDepartement(_ code: String) -> Bool {
        if code == "2A" || code == "2B" { return true }
        // On the bytes (it runs for every request): two or three ASCII digits.
        let o = code.utf8
        guard o.count == 2 || o.count == 3, o.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return false }
        let n = o.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        return o.count == 2 ? n >= 1 && n <= 95 && n != 20 : n >= 971 && n <= 976
    }

    // MARK: - Reading

    /// Reads and checks `observatoire.yml`. Every problem is reported in French with the file,
    /// the line, the key and what is expected.
    public static func charger(depuis url: URL) throws -> Configuration {
        let texte: String
        do {
            texte = try FichierSur.lireTexte(url, limite: tailleMaximale)
        } catch let e as ErreurFichier {
            throw ErreurObservatoire(.usage, "Impossible de lire la configuration « \(url.path) » : \(e.raison).", conseil: e.conseil)
        }
        return try analyser(texte, fichier: url.path)
    }

    /// Largest configuration or profile file read (a real one is a few kilobytes).
    public static let tailleMaximale = 1 << 20

    /// Parses the text of a configuration; `fichier` names it in error messages.
    public static func analyser(_ texte: String, fichier: String) throws -> Configuration {
        let lecteur = LecteurConfiguration(fichier: fichier)
        let racine = try lecteur.y.racine(texte, attendu: "les rubriques c360, territoires, cibles, confidentialite, chemins")
        return try lecteur.lire(racine)
    }
}

/// Reads a YAML file of the workspace (configuration, mapping profiles) node by node, so that
/// every problem names the file, the line, the key and what is expected, in French.
public struct LecteurYAML {
    public let fichier: String
    /// What the file is, for syntax errors (« Configuration invalide », « Profil invalide »).
    public let titre: String

    public init(fichier: String, titre: String) {
        self.fichier = fichier
        self.titre = titre
    }

    /// Parses `texte` into its root node.
    public func racine(_ texte: String, attendu: String) throws -> Node {
        do {
            try GardeYAML.verifier(texte, fichier: fichier, titre: titre)
            guard let n = try Yams.compose(yaml: texte) else {
                throw erreur(nil, "le fichier est vide", attendu: attendu)
            }
            return n
        } catch let e as ErreurObservatoire {
            throw e
        } catch let e as YamlError {
            throw erreurSyntaxe(e)
        }
    }

    public func erreur(_ noeud: Node?, _ probleme: String, cle: String? = nil, attendu: String) -> ErreurObservatoire {
        var lieu = fichier
        if let ligne = noeud?.mark?.line { lieu += ", ligne \(ligne)" }
        let sujet = cle.map { " (clé « \($0) »)" } ?? ""
        return ErreurObservatoire(.usage, "\(titre) — \(lieu)\(sujet) : \(LecteurYAML.phrase(probleme))",
                                  conseil: "Attendu : \(attendu). Corrigez le fichier puis relancez la commande.")
    }

    /// Ends a sentence with a full stop, unless it already ends with one, or with « ? » / « ! »
    /// (« vouliez-vous dire « accompagnee » ? » takes no stop after the question mark).
    static func phrase(_ texte: String) -> String {
        guard let dernier = texte.last, !".?!…".contains(dernier) else { return texte }
        return texte + "."
    }

    /// A YAML syntax error in French: where it is (« erreur de syntaxe YAML à la ligne 8,
    /// colonne 1 »), what it most likely is and what to do. libyaml's English text (through
    /// Yams) is never shown; nor is the content of the line, which may hold anything.
    func erreurSyntaxe(_ e: YamlError) -> ErreurObservatoire {
        switch e {
        case .scanner(_, let p, let mark, let yaml), .parser(_, let p, let mark, let yaml), .composer(_, let p, let mark, let yaml):
            let (cause, conseil) = LecteurYAML.causeProbable(p, ligneAvecTabulation: LecteurYAML.ligne(mark.line, de: yaml)?.contains("\t") == true)
            return ErreurObservatoire(.usage, "\(titre) — \(fichier) : erreur de syntaxe YAML à la ligne \(mark.line), colonne \(mark.column) (\(cause)).",
                                      conseil: conseil + " Corrigez le fichier puis relancez la commande.")
        case .duplicatedKeysInMapping(let doublons, let contexte):
            return ErreurObservatoire(.usage, "\(titre) — \(fichier), ligne \(contexte.mark.line) : une clé apparaît deux fois : \(doublons.joined(separator: ", ")).",
                                      conseil: "Gardez une seule fois chaque clé d'une même rubrique, puis relancez la commande.")
        default:
            return ErreurObservatoire(.usage, "\(titre) — \(fichier) : erreur de syntaxe YAML (le fichier n'est pas un texte YAML lisible).",
                                      conseil: "Enregistrez le fichier en texte UTF-8 et vérifiez l'indentation (des espaces, pas de tabulations), les deux-points après chaque clé et les guillemets.")
        }
    }

    /// Line `numero` (from 1) of a text; nil past its end.
    static func ligne(_ numero: Int, de texte: String) -> Substring? {
        var n = 1
        for l in texte.split(separator: "\n", omittingEmptySubsequences: false) {
            if n == numero { return l }
            n += 1
        }
        return nil
    }

    /// What libyaml's (English) problem most likely means, and what to do, in French.
    static func causeProbable(_ probleme: String, ligneAvecTabulation: Bool) -> (cause: String, conseil: String) {
        let p = probleme.lowercased()
        if ligneAvecTabulation || p.contains("tab character") {
            return ("cette ligne contient une tabulation", "Remplacez les tabulations par des espaces : YAML n'accepte que des espaces pour le retrait.")
        }
        if p.contains("cannot start any token") {
            return ("un caractère ne peut pas commencer une valeur à cet endroit", "Mettez la valeur entre guillemets (\"…\") si elle commence par @, ` ou %, et vérifiez le retrait (des espaces, pas de tabulations).")
        }
        if p.contains("mapping values are not allowed") {
            return ("un deux-points inattendu", "Mettez entre guillemets une valeur qui contient « : », et vérifiez que la ligne est alignée sur ses voisines.")
        }
        if p.contains("unexpected end of stream") || p.contains("while scanning a quoted scalar") {
            return ("des guillemets ne sont pas refermés", "Refermez les guillemets ouverts (\"…\" ou '…') avant la fin de la ligne.")
        }
        if p.contains("could not find expected ':'") {
            return ("il manque un deux-points après une clé", "Écrivez chaque clé suivie de « : » et d'une espace (« nom: valeur »), et refermez les guillemets.")
        }
        if p.contains("expected ',' or ']'") || p.contains("expected ',' or '}'") || p.contains("flow") {
            return ("une liste [ … ] ou une rubrique { … } n'est pas refermée", "Refermez le crochet ou l'accolade, et séparez les éléments par des virgules.")
        }
        if p.contains("escape") {
            return ("une barre oblique inverse (\\) entre guillemets doubles", "Mettez cette valeur entre guillemets simples ('…') ou doublez la barre oblique inverse.")
        }
        if p.contains("did not find expected key") || p.contains("did not find expected '-'") || p.contains("block") || p.contains("indentation") {
            return ("le retrait de la ligne ne correspond pas à la structure", "Alignez la ligne sur les clés de même niveau (même nombre d'espaces), sans tabulation.")
        }
        if p.contains("nesting level") {
            return ("trop de listes ou de rubriques imbriquées les unes dans les autres", "Simplifiez la structure : la configuration n'a besoin que de deux ou trois niveaux de retrait.")
        }
        if p.contains("alias") || p.contains("anchor") {
            return ("une ancre (&) ou un alias (*) mal écrit", "Écrivez les valeurs en toutes lettres, sans ancres (&nom) ni alias (*nom).")
        }
        return ("la structure n'est pas du YAML valide", "Vérifiez le retrait (des espaces, pas de tabulations), les deux-points après chaque clé et les guillemets.")
    }

    /// Whether the node is empty (`~`, `null`, nothing).
    public func estVide(_ n: Node) -> Bool {
        if let s = n.scalar, s.string.isEmpty || s.string == "~" || s.string == "null" { return true }
        if let m = n.mapping, m.isEmpty { return true }
        if let q = n.sequence, q.isEmpty { return true }
        return false
    }

    /// The pairs of a mapping, keys checked against `autorisees` (any key when empty).
    public func table(_ n: Node, cle: String, cles autorisees: [String]) throws -> [(String, Node, Node)] {
        guard let m = n.mapping else {
            throw erreur(n, "une rubrique est attendue ici", cle: cle, attendu: "des clés « nom: valeur » en retrait")
        }
        var paires: [(String, Node, Node)] = []
        for (k, v) in m {
            guard let nomCle = k.scalar?.string else {
                throw erreur(k, "clé illisible", cle: cle, attendu: autorisees.joined(separator: ", "))
            }
            if !autorisees.isEmpty && !autorisees.contains(nomCle) {
                let proches = Normalisation.plusProches(nomCle, parmi: autorisees)
                let suggestion = proches.isEmpty ? "" : " ; vouliez-vous dire « \(proches[0]) » ?"
                throw erreur(k, "clé inconnue « \(nomCle) »\(suggestion)", cle: cle,
                             attendu: "une des clés " + autorisees.joined(separator: ", "))
            }
            paires.append((nomCle, k, v))
        }
        return paires
    }

    public func texte(_ n: Node, cle: String) throws -> String {
        guard let s = n.scalar?.string else {
            throw erreur(n, "un texte est attendu", cle: cle, attendu: "un texte, par exemple \"Arrageois\"")
        }
        return s
    }

    public func liste(_ n: Node, cle: String) throws -> [String] {
        if let s = n.scalar, s.string.isEmpty || s.string == "~" || s.string == "null" { return [] }
        guard let seq = n.sequence else {
            throw erreur(n, "une liste est attendue", cle: cle, attendu: "une liste, une valeur par ligne précédée de « - », ou [] pour une liste vide")
        }
        return try seq.map { try texte($0, cle: cle) }
    }

    public func nombre(_ n: Node, cle: String) throws -> Double {
        guard let s = n.scalar?.string, let v = Double(s.replacingOccurrences(of: ",", with: ".")), v.isFinite else {
            throw erreur(n, "un nombre est attendu", cle: cle, attendu: "un nombre, par exemple 30 ou 72.5")
        }
        return v
    }
}

/// Walks the YAML tree of `observatoire.yml`.
private struct LecteurConfiguration {
    let y: LecteurYAML

    init(fichier: String) { y = LecteurYAML(fichier: fichier, titre: "Configuration invalide") }

    func lire(_ racine: Node) throws -> Configuration {
        let rubriques = try y.table(racine, cle: "racine",
                                  cles: ["c360", "territoires", "typologie_problematiques", "cibles", "confidentialite", "chemins"])
        var nom: String?
        var departement: String?
        var config = Configuration(nom: "", departement: "")
        for (cle, k, v) in rubriques {
            switch cle {
            case "c360":
                for (c, _, valeur) in try y.table(v, cle: "c360", cles: ["nom", "departement"]) {
                    if c == "nom" { nom = Normalisation.texte(try y.texte(valeur, cle: "c360.nom")) }
                    if c == "departement" {
                        let d = try y.texte(valeur, cle: "c360.departement").uppercased()
                        guard Configuration.estCodeDepartement(d) else {
                            throw y.erreur(valeur, "« \(d) » n'est pas un code de département", cle: "c360.departement",
                                         attendu: "un code INSEE entre guillemets : \"62\", \"2A\", \"971\"")
                        }
                        departement = d
                    }
                }
            case "territoires":
                let t = try y.liste(v, cle: "territoires").map { Normalisation.texte($0) }
                if let vide = t.firstIndex(where: \.isEmpty) {
                    throw y.erreur(v, "le territoire n° \(vide + 1) est vide", cle: "territoires", attendu: "un nom de territoire par ligne")
                }
                var vus: Set<String> = []
                for nomTerritoire in t where !vus.insert(Normalisation.cle(nomTerritoire)).inserted {
                    throw y.erreur(v, "le territoire « \(nomTerritoire) » est listé deux fois", cle: "territoires", attendu: "chaque territoire une seule fois")
                }
                config.territoires = t
            case "typologie_problematiques":
                let t = try y.liste(v, cle: "typologie_problematiques")
                guard !t.isEmpty else {
                    throw y.erreur(v, "la typologie est vide", cle: "typologie_problematiques", attendu: "au moins un type de problématique")
                }
                for code in t where code != code.lowercased() || code.contains(" ") || Normalisation.cle(code).isEmpty {
                    throw y.erreur(v, "« \(code) » n'est pas un code valide", cle: "typologie_problematiques",
                                 attendu: "des codes en minuscules sans espace, par exemple acces_droits")
                }
                var vus: Set<String> = []
                for code in t where !vus.insert(Normalisation.cle(code)).inserted {
                    throw y.erreur(v, "le type « \(code) » est listé deux fois", cle: "typologie_problematiques", attendu: "chaque type une seule fois")
                }
                config.typologie = t
            case "cibles":
                config.cibles = [:]
                if y.estVide(v) { break }
                for (code, kc, valeur) in try y.table(v, cle: "cibles", cles: []) {
                    guard Configuration.codesOfficiels.contains(code) || code.hasPrefix("x.") else {
                        throw y.erreur(kc, "« \(code) » n'est pas un indicateur du cahier des charges", cle: "cibles",
                                     attendu: "un code d'indicateur entre guillemets, de \"1.1\" à \"5.1\"")
                    }
                    var val: Double?
                    var sens: Cible.Sens?
                    for (c, _, x) in try y.table(valeur, cle: "cibles.\(code)", cles: ["valeur", "sens"]) {
                        if c == "valeur" { val = try y.nombre(x, cle: "cibles.\(code).valeur") }
                        if c == "sens" {
                            let s = try y.texte(x, cle: "cibles.\(code).sens")
                            guard let sv = Cible.Sens(rawValue: s) else {
                                throw y.erreur(x, "sens « \(s) » inconnu", cle: "cibles.\(code).sens",
                                             attendu: "\">=\" (au moins) ou \"<=\" (au plus), entre guillemets")
                            }
                            sens = sv
                        }
                    }
                    guard let val, let sens else {
                        throw y.erreur(valeur, "il manque « valeur » ou « sens »", cle: "cibles.\(code)",
                                     attendu: "{ valeur: 30, sens: \"<=\" }")
                    }
                    config.cibles[code] = Cible(valeur: val, sens: sens)
                }
            case "confidentialite":
                for (c, _, x) in try y.table(v, cle: "confidentialite", cles: ["seuil"]) where c == "seuil" {
                    let s = try y.nombre(x, cle: "confidentialite.seuil")
                    guard s == s.rounded(), s >= 1, s <= 100 else {
                        throw y.erreur(x, "le seuil doit être un nombre entier entre 1 et 100", cle: "confidentialite.seuil",
                                     attendu: "un entier, 5 par défaut (les effectifs de 1 à 4 sont alors masqués)")
                    }
                    config.seuilPetitsEffectifs = Int(s)
                }
            case "chemins":
                let cles = ["base_de_donnees", "cle_pseudonymisation", "a_traiter", "archives", "erreurs",
                            "rapports", "journaux", "recit", "profils", "modeles"]
                for (c, _, x) in try y.table(v, cle: "chemins", cles: cles) {
                    let chemin = try y.texte(x, cle: "chemins.\(c)")
                    guard !chemin.isEmpty, !chemin.contains("\0") else {
                        throw y.erreur(x, "chemin vide", cle: "chemins.\(c)", attendu: "un chemin de fichier ou de dossier")
                    }
                    switch c {
                    case "base_de_donnees": config.chemins.baseDeDonnees = chemin
                    case "cle_pseudonymisation": config.chemins.cle = chemin
                    case "a_traiter": config.chemins.aTraiter = chemin
                    case "archives": config.chemins.archives = chemin
                    case "erreurs": config.chemins.erreurs = chemin
                    case "rapports": config.chemins.rapports = chemin
                    case "journaux": config.chemins.journaux = chemin
                    case "recit": config.chemins.recit = chemin
                    case "profils": config.chemins.profils = chemin
                    default: config.chemins.modeles = chemin
                    }
                }
            default:
                _ = k
            }
        }
        guard let nom, !nom.isEmpty else {
            throw y.erreur(racine, "le nom de la Communauté 360 manque", cle: "c360.nom", attendu: "c360:\n  nom: \"Communauté 360 de …\"")
        }
        guard let departement else {
            throw y.erreur(racine, "le département manque", cle: "c360.departement", attendu: "c360:\n  departement: \"62\"")
        }
        config.nom = nom
        config.departement = departement
        return config
    }
}
