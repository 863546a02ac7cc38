import Foundation
import ObservatoireCore
import ObservatoireIndicateurs
import Yams

/// The plan of a report (`Reports/plan-rapport.yml`, `Reports/plan-tableau-de-bord.yml`, or the
/// workspace's copy in `modeles/`): its sections in order and the blocks of each. A coordinator
/// can move, remove or add sections and blocks without recompiling; every writer follows it.
public struct Plan: Sendable, Equatable {
    public struct ChoixChiffreCle: Sendable, Equatable {
        public var code: String
        /// Show the rate rather than the value.
        public var taux: Bool
    }

    public enum Bloc: Sendable, Equatable {
        case chiffresCles([ChoixChiffreCle])
        case bilanCibles
        case cahierDesCharges
        case indicateurs(Indicateur.Section)
        case repartitions(Indicateur.Section)
        case statistiques(Indicateur.Section)
        case mensuel(String)
        case parTerritoire(String)
        case territoires
        case mensuelParTerritoire(String)
        case qualite
        case recit
        case methodologie
        case annexeTechnique
        case texte(String)
        // Dashboard.
        case cumul
        case tendances
        case moisParMois
        case barresTerritoires(String)
        case lecture
    }

    public struct Section: Sendable, Equatable {
        public var id: String
        public var titre: String
        public var onglet: String
        public var blocs: [Bloc]
    }

    public var sections: [Section]

    /// Reads and checks a plan; any mistake is a French error naming the file (exit code 2).
    public static func lire(_ nom: String, modeles: Modeles, catalogue: Catalogue = .integre) throws -> Plan {
        let url = modeles.url(nom)
        let texte = try modeles.texte(nom)
        func erreur(_ quoi: String) -> ErreurObservatoire {
            ErreurObservatoire(.usage, "Le plan de rapport « \(url.path) » est incorrect : \(quoi).",
                               conseil: modeles.estSurcharge(nom)
                                ? "Corrigez-le (les blocs possibles sont décrits en tête du plan intégré), ou supprimez-le du dossier « modeles » pour revenir au plan intégré."
                                : "Signalez ce message à l'équipe technique.")
        }
        // Aliases bounded and complex keys refused before Yams composes anything (an alias
        // bomb would hang it: see SECURITE.md).
        try GardeYAML.verifier(texte, fichier: url.path, titre: "Plan de rapport invalide")
        let racine: Any?
        do {
            racine = try Yams.load(yaml: texte)
        } catch {
            throw erreur("ce n'est pas un fichier YAML lisible")
        }
        guard let dict = racine as? [String: Any], let liste = dict["sections"] as? [Any], !liste.isEmpty else {
            throw erreur("il doit contenir une liste « sections »")
        }
        var vus = Set<String>()
        var sections: [Section] = []
        for (k, element) in liste.enumerated() {
            guard let s = element as? [String: Any] else { throw erreur("la section n° \(k + 1) n'est pas une suite « clé: valeur »") }
            func chaine(_ cle: String) throws -> String {
                guard let v = s[cle], !(v is [Any]), !(v is [String: Any]) else { throw erreur("la section n° \(k + 1) n'a pas de « \(cle) »") }
                let t = "\(v)".trimmingCharacters(in: .whitespacesAndNewlines)
                guard !t.isEmpty else { throw erreur("la section n° \(k + 1) a un « \(cle) » vide") }
                return t
            }
            let id = try chaine("id")
            guard id.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" }), vus.insert(id).inserted else {
                throw erreur("l'identifiant « \(id) » doit être fait de lettres, de chiffres et de tirets, et n'être utilisé qu'une fois")
            }
            let onglet = try chaine("onglet")
            guard onglet.count <= 31, !onglet.contains(where: { "[]:*?/\\".contains($0) }) else {
                throw erreur("l'onglet « \(onglet) » doit avoir 31 caractères au plus, sans [ ] : * ? / \\")
            }
            for autre in sections where autre.onglet.lowercased() == onglet.lowercased() {
                throw erreur("l'onglet « \(onglet) » est déjà celui de la section « \(autre.id) »")
            }
            guard let blocs = s["blocs"] as? [Any] else { throw erreur("la section « \(id) » n'a pas de liste « blocs »") }
            sections.append(Section(id: id, titre: try chaine("titre"), onglet: onglet,
                                    blocs: try blocs.map { try bloc($0, section: id, catalogue: catalogue, erreur: erreur) }))
        }
        return Plan(sections: sections)
    }

    static func bloc(_ x: Any, section: String, catalogue: Catalogue, erreur: (String) -> ErreurObservatoire) throws -> Bloc {
        let nom: String
        var argument: Any?
        if let s = x as? String {
            nom = s
        } else if let d = x as? [String: Any], d.count == 1, let (cle, valeur) = d.first {
            nom = cle
            argument = valeur
        } else {
            throw erreur("un bloc de la section « \(section) » n'est ni un nom ni « nom: valeur »")
        }
        func texte() throws -> String {
            guard let a = argument, !(a is [Any]), !(a is [String: Any]) else {
                throw erreur("le bloc « \(nom) » de la section « \(section) » attend une valeur")
            }
            return "\(a)".trimmingCharacters(in: .whitespaces)
        }
        func code() throws -> String {
            let c = try texte()
            guard catalogue[c] != nil else { throw erreur("le bloc « \(nom) » cite l'indicateur « \(c) », qui n'existe pas") }
            return c
        }
        func sectionCatalogue() throws -> Indicateur.Section {
            let t = try texte()
            guard let s = Indicateur.Section(rawValue: t) else {
                throw erreur("le bloc « \(nom) » cite la section « \(t) », inconnue (\(Indicateur.Section.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            return s
        }
        func sansArgument(_ b: Bloc) throws -> Bloc {
            guard argument == nil else { throw erreur("le bloc « \(nom) » de la section « \(section) » ne prend pas de valeur") }
            return b
        }
        switch nom {
        case "chiffres_cles":
            guard let liste = argument as? [Any], !liste.isEmpty else { throw erreur("« chiffres_cles » attend une liste d'indicateurs") }
            return .chiffresCles(try liste.map { e in
                let mots = "\(e)".split(separator: " ").map(String.init)
                guard let c = mots.first, catalogue[c] != nil, mots.count == 1 || (mots.count == 2 && mots[1] == "taux") else {
                    throw erreur("« chiffres_cles » : « \(e) » n'est pas un indicateur (éventuellement suivi de « taux »)")
                }
                return ChoixChiffreCle(code: c, taux: mots.count == 2)
            })
        case "bilan_cibles": return try sansArgument(.bilanCibles)
        case "cahier_des_charges": return try sansArgument(.cahierDesCharges)
        case "indicateurs": return .indicateurs(try sectionCatalogue())
        case "repartitions": return .repartitions(try sectionCatalogue())
        case "statistiques": return .statistiques(try sectionCatalogue())
        case "mensuel": return .mensuel(try code())
        case "par_territoire": return .parTerritoire(try code())
        case "territoires": return try sansArgument(.territoires)
        case "mensuel_par_territoire": return .mensuelParTerritoire(try code())
        case "qualite": return try sansArgument(.qualite)
        case "recit": return try sansArgument(.recit)
        case "methodologie": return try sansArgument(.methodologie)
        case "annexe_technique": return try sansArgument(.annexeTechnique)
        case "texte": return .texte(try texte())
        case "cumul": return try sansArgument(.cumul)
        case "tendances": return try sansArgument(.tendances)
        case "mois_par_mois": return try sansArgument(.moisParMois)
        case "barres_territoires": return .barresTerritoires(try code())
        case "lecture": return try sansArgument(.lecture)
        default:
            throw erreur("le bloc « \(nom) » de la section « \(section) » est inconnu")
        }
    }
}
