import Foundation
import ObservatoireCore
import Yams

/// A set of records a published count counts: a base population of `Queries/populations.yml`
/// and filters on its attributes.
///
/// ```swift
/// try Ensemble.lire("S[type=recherche_solution, accompagnee=oui]")
/// // base "S", filters accompagnee=oui and type=recherche_solution (kept sorted)
/// ```
public struct Ensemble: Hashable, Comparable, Sendable, CustomStringConvertible {
    public struct Filtre: Hashable, Comparable, Sendable {
        public var attribut: String
        public var valeur: String
        public static func < (a: Filtre, b: Filtre) -> Bool { (a.attribut, a.valeur) < (b.attribut, b.valeur) }
    }

    public var base: String
    /// Sorted by attribute: two spellings of the same set compare equal.
    public private(set) var filtres: [Filtre]

    public init(base: String, filtres: [Filtre] = []) {
        self.base = base
        self.filtres = filtres.sorted()
    }

    /// The same set restricted further (`attribut = valeur`).
    public func avec(_ attribut: String, _ valeur: String) -> Ensemble {
        Ensemble(base: base, filtres: filtres.filter { $0.attribut != attribut } + [Filtre(attribut: attribut, valeur: valeur)])
    }

    public func sans(_ attribut: String) -> Ensemble {
        Ensemble(base: base, filtres: filtres.filter { $0.attribut != attribut })
    }

    /// Every record of `self` is in `autre`: same base, and `autre`'s filters are among ours.
    public func estInclus(dans autre: Ensemble) -> Bool {
        base == autre.base && Set(autre.filtres).isSubset(of: Set(filtres))
    }

    public var description: String {
        filtres.isEmpty ? base : base + "[" + filtres.map { "\($0.attribut)=\($0.valeur)" }.joined(separator: ", ") + "]"
    }

    public static func < (a: Ensemble, b: Ensemble) -> Bool { a.description < b.description }

    /// Reads `Base` or `Base[attribut=valeur, …]`.
    public static func lire(_ texte: String) throws -> Ensemble {
        let t = texte.trimmingCharacters(in: .whitespaces)
        guard let crochet = t.firstIndex(of: "[") else {
            guard Ensemble.estNom(t) else { throw ErreurComptes("ensemble illisible « \(t) »") }
            return Ensemble(base: t)
        }
        let base = String(t[..<crochet]).trimmingCharacters(in: .whitespaces)
        guard t.hasSuffix("]"), Ensemble.estNom(base) else { throw ErreurComptes("ensemble illisible « \(t) »") }
        let interieur = t[t.index(after: crochet)..<t.index(before: t.endIndex)]
        var filtres: [Filtre] = []
        for morceau in interieur.split(separator: ",") {
            let paire = morceau.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard paire.count == 2, Ensemble.estNom(paire[0]), Ensemble.estNom(paire[1]) else {
                throw ErreurComptes("filtre illisible « \(morceau) » dans « \(t) »")
            }
            filtres.append(Filtre(attribut: paire[0], valeur: paire[1]))
        }
        return Ensemble(base: base, filtres: filtres)
    }

    static func estNom(_ s: String) -> Bool {
        !s.isEmpty && s.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || $0 == "_" || $0 == "-" }
    }
}

/// A header value that does not follow the `comptes` grammar.
struct ErreurComptes: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// What the published counts of an indicator count, from the header keys `comptes`,
/// `contraintes`, `effectif` and `rapports` of its SQL file (see `Queries/README.md`). The
/// small-count protection (``ProtectionDiffusion``) derives from them every relation between
/// the cells published together.
public struct Comptes: Sendable, Equatable {
    /// How the lines of the breakdown split a set.
    public enum Repartition: Sendable, Equatable {
        /// Line `k` counts `ensemble[attribut=k]`; the lines add up to `ensemble` — or, when
        /// `multiple`, a record may be in several lines (problem types) and the line
        /// `non_renseigne` holds those in none.
        case attribut(Ensemble, String, multiple: Bool)
        /// Line `AAAA-MM` counts `ensemble` over that month of the period; they add up to it.
        case mois(Ensemble)
    }

    /// Count fields (`valeur`, `numerateur`, `denominateur`, a statistic) → the sets they add up.
    public var champs: [String: [Ensemble]] = [:]
    public var repartition: Repartition?
    /// Known relations between counts (`Σ gauche ≤ Σ droite`, or `=`), e.g. a request with a
    /// proposition has at least one proposition. With `siNul`, the relation holds when that set
    /// is empty (`S = Personnes si Personnes[plusieurs=oui] = 0`: when nobody came back, there
    /// are as many requests as persons), and tells nothing otherwise.
    public var contraintes: [(gauche: [Ensemble], droite: [Ensemble], egalite: Bool, siNul: Ensemble?)] = []
    /// The count field the other figures (mean, median, percentile, a mean delay as the value)
    /// are computed over: below the threshold they are withheld (« effectif insuffisant »).
    public var effectif: String?
    /// Statistics that are ratios of counts (requests per person): withheld with their counts.
    public var rapports: [String: (numerateur: [Ensemble], denominateur: [Ensemble])] = [:]

    public init() {}

    public var estVide: Bool { champs.isEmpty && repartition == nil }

    /// Every set named, for checking them against the populations.
    public var ensembles: [Ensemble] {
        var e: [Ensemble] = champs.values.flatMap { $0 }
        for c in contraintes {
            e += c.gauche + c.droite
            if let x = c.siNul { e.append(x) }
        }
        e += rapports.values.flatMap { $0.numerateur + $0.denominateur }
        switch repartition {
        case .attribut(let x, _, _), .mois(let x): e.append(x)
        case nil: break
        }
        return e
    }

    public static func == (a: Comptes, b: Comptes) -> Bool {
        a.champs == b.champs && a.repartition == b.repartition && a.effectif == b.effectif
            && a.contraintes.map { "\($0.gauche)\($0.egalite ? "=" : "<=")\($0.droite)\($0.siNul.map { " si \($0)" } ?? "")" }
                == b.contraintes.map { "\($0.gauche)\($0.egalite ? "=" : "<=")\($0.droite)\($0.siNul.map { " si \($0)" } ?? "")" }
            && a.rapports.mapValues { "\($0.numerateur)/\($0.denominateur)" } == b.rapports.mapValues { "\($0.numerateur)/\($0.denominateur)" }
    }

    /// Parses the header values (nil when absent).
    static func lire(comptes: String?, contraintes: String?, effectif: String?, rapports: String?) throws -> Comptes {
        var c = Comptes()
        func somme(_ texte: String) throws -> [Ensemble] {
            try texte.split(separator: "+").map { try Ensemble.lire(String($0)) }
        }
        for affectation in (comptes ?? "").split(separator: ";") where !affectation.trimmingCharacters(in: .whitespaces).isEmpty {
            let paire = affectation.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard paire.count == 2, Ensemble.estNom(paire[0]) else { throw ErreurComptes("« \(affectation) » : attendu champ = ensemble") }
            if paire[0] == "repartition" {
                let mots = paire[1].components(separatedBy: " par ")
                guard mots.count == 2 else { throw ErreurComptes("répartition « \(paire[1]) » : attendu ENSEMBLE par ATTRIBUT [multiple]") }
                let ensemble = try Ensemble.lire(mots[0])
                let suite = mots[1].split(separator: " ").map(String.init)
                guard let attribut = suite.first, Ensemble.estNom(attribut), suite.count <= 2,
                      suite.count == 1 || suite[1] == "multiple" else {
                    throw ErreurComptes("répartition « \(paire[1]) » : attendu ENSEMBLE par ATTRIBUT [multiple]")
                }
                c.repartition = attribut == "mois" ? .mois(ensemble) : .attribut(ensemble, attribut, multiple: suite.count == 2)
            } else {
                c.champs[paire[0]] = try somme(paire[1])
            }
        }
        for texte in (contraintes ?? "").split(separator: ";") where !texte.trimmingCharacters(in: .whitespaces).isEmpty {
            // `RELATION si ENSEMBLE = 0`: a relation that holds when that set is empty.
            let parties = texte.components(separatedBy: " si ")
            guard parties.count <= 2 else { throw ErreurComptes("contrainte « \(texte) » : un seul « si » par relation") }
            let relation = parties[0]
            var siNul: Ensemble?
            if parties.count == 2 {
                let condition = parties[1].components(separatedBy: " = ").map { $0.trimmingCharacters(in: .whitespaces) }
                guard condition.count == 2, condition[1] == "0" else {
                    throw ErreurComptes("contrainte « \(texte) » : attendu RELATION si ENSEMBLE = 0")
                }
                siNul = try Ensemble.lire(condition[0])
            }
            let inegalite = relation.components(separatedBy: "<=")
            let egalite = relation.components(separatedBy: " = ")
            if inegalite.count == 2 {
                c.contraintes.append((try somme(inegalite[0]), try somme(inegalite[1]), false, siNul))
            } else if egalite.count == 2 {
                c.contraintes.append((try somme(egalite[0]), try somme(egalite[1]), true, siNul))
            } else {
                throw ErreurComptes("contrainte « \(texte) » : attendu SOMME <= SOMME ou SOMME = SOMME")
            }
        }
        if let effectif {
            guard Ensemble.estNom(effectif), c.champs[effectif] != nil else {
                throw ErreurComptes("effectif « \(effectif) » : ce doit être un champ de « comptes »")
            }
            c.effectif = effectif
        }
        for rapport in (rapports ?? "").split(separator: ";") where !rapport.trimmingCharacters(in: .whitespaces).isEmpty {
            let paire = rapport.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            let termes = paire.count == 2 ? paire[1].components(separatedBy: " / ") : []
            guard paire.count == 2, Ensemble.estNom(paire[0]), termes.count == 2 else {
                throw ErreurComptes("rapport « \(rapport) » : attendu statistique = SOMME / SOMME")
            }
            c.rapports[paire[0]] = (try somme(termes[0]), try somme(termes[1]))
        }
        return c
    }
}

/// The base populations of `Queries/populations.yml`: how their counts add up over periods and
/// territories.
public struct Populations: Sendable {
    public enum Periode: String, Sendable { case cohorte, fin, annee, periode }
    public enum Territoire: String, Sendable { case additif, nonAdditif = "non_additif", aucun }

    public struct Population: Sendable {
        public var nom: String
        public var libelle: String
        public var periode: Periode
        public var territoire: Territoire
    }

    public var liste: [String: Population]

    public subscript(nom: String) -> Population? { liste[nom] }

    /// Reads the YAML file; every population needs `libelle`, `periode` and `territoire`.
    public static func lire(_ texte: String, fichier: String = "populations.yml") throws -> Populations {
        func erreur(_ m: String) -> ErreurObservatoire {
            ErreurObservatoire(.erreurInterne, "Le fichier « \(fichier) » des requêtes est invalide : \(m).",
                               conseil: "Voir l'en-tête du fichier pour les valeurs permises.")
        }
        guard let racine = try Yams.load(yaml: texte) as? [String: Any] else { throw erreur("une liste de populations est attendue") }
        var liste: [String: Population] = [:]
        for (nom, valeur) in racine {
            guard let champs = valeur as? [String: Any], let libelle = champs["libelle"] as? String,
                  let p = (champs["periode"] as? String).flatMap(Periode.init(rawValue:)),
                  let t = (champs["territoire"] as? String).flatMap(Territoire.init(rawValue:)) else {
                throw erreur("la population « \(nom) » doit avoir libelle, periode (cohorte, fin, annee, periode) et territoire (additif, non_additif, aucun)")
            }
            liste[nom] = Population(nom: nom, libelle: libelle, periode: p, territoire: t)
        }
        return Populations(liste: liste)
    }

    /// The populations shipped with the queries.
    public static let integrees: Populations = {
        let url = Requetes.dossierIntegre.appendingPathComponent("populations.yml")
        do {
            return try lire(try String(contentsOf: url, encoding: .utf8))
        } catch {
            fatalError("Les populations intégrées sont illisibles : \(error)")
        }
    }()
}
