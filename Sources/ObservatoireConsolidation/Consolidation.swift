import Foundation
import ObservatoireCore
import ObservatoireIndicateurs

/// What is consolidated: every département, or those of one region.
public enum Perimetre: Equatable, Sendable {
    case national
    case region(code: String, nom: String)

    /// « France entière » or « région Hauts-de-France ».
    public var libelle: String {
        switch self {
        case .national: return "France entière"
        case .region(_, let nom): return "région \(nom)"
        }
    }

    /// What the reports' file names say: `nationale`, `region-32`.
    public var suffixe: String {
        switch self {
        case .national: return "nationale"
        case .region(let code, _): return "region-\(code)"
        }
    }
}

public struct OptionsConsolidation: Sendable {
    /// INSEE code of a region (`32`): its départements only. Nil: the whole country.
    public var region: String?
    /// The period consolidated; nil: the most recent period of the files.
    public var periode: Periode?
    /// When the consolidation is made (reports state it).
    public var date = Date()

    public init(region: String? = nil, periode: Periode? = nil) {
        self.region = region
        self.periode = periode
    }
}

/// A département of the perimeter and the files it sent.
public struct Participant: Sendable {
    public var departement: Departement
    /// Its exchange file for the period consolidated, if it sent one.
    public var fichier: FichierEchange?
    /// Its file for the same period a year earlier, if there is one.
    public var precedent: FichierEchange?
}

/// Published figures summed over the C360s where they are all published: the consolidated
/// value (with how many C360s it covers) and, for a rate, Σ numerators / Σ denominators.
public struct Agregat: Equatable, Sendable {
    /// Sum of the published values (a pooled mean for a delay); nil when no C360 publishes it.
    public var valeur: Double?
    /// The C360s whose value is in `valeur`.
    public var couvertureValeur: [String] = []
    public var numerateur: Double?
    public var denominateur: Double?
    /// Σ numerators / Σ denominators in percent, one decimal; nil when not computable.
    public var taux: Double?
    /// The C360s whose numerator and denominator are both in the rate.
    public var couvertureTaux: [String] = []
}

/// The spread of the C360s' published figures (the rate when the indicator has one, else the
/// value): quartiles as Excel's QUARTILE.INC computes them, so that a reader can check them.
public struct Distribution: Equatable, Sendable {
    public var n: Int
    public var minimum: Double
    public var q1: Double
    public var mediane: Double
    public var q3: Double
    public var maximum: Double

    /// Nil for no value. Linear interpolation between closest ranks (R's type 7).
    public init?(_ valeurs: [Double]) {
        let x = valeurs.sorted()
        guard !x.isEmpty else { return nil }
        func quantile(_ p: Double) -> Double {
            let h = Double(x.count - 1) * p
            let b = Int(h.rounded(.down))
            guard b + 1 < x.count else { return x[b] }
            return x[b] + (h - Double(b)) * (x[b + 1] - x[b])
        }
        n = x.count
        minimum = x[0]
        q1 = quantile(0.25)
        mediane = quantile(0.5)
        q3 = quantile(0.75)
        maximum = x[x.count - 1]
    }
}

/// One C360's line in an indicator's table.
public struct LigneConsolidee: Sendable {
    public var departement: Departement
    public var c360: String
    /// The indicator as the C360 published it; nil when its file does not have it.
    public var indicateur: IndicateurEchange?
    /// The figure compared across C360s (the rate when there is one, else the value), when published.
    public var mesure: Double?
    /// Rank from the highest published figure (1), equal figures sharing a rank.
    public var rang: Int?
    /// The same indicator a year earlier, from the C360's file of that period.
    public var precedent: IndicateurEchange?
    public var mesurePrecedente: Double?
    /// Change from the year before: in points for a rate, in percent for a value.
    public var evolution: Double?
}

/// An indicator across the C360s of the perimeter.
public struct IndicateurConsolide: Sendable {
    public var code: String
    public var libelle: String
    public var libelleCourt: String
    public var unite: Indicateur.Unite
    /// Compared by its rate (numerator / denominator).
    public var aUnTaux: Bool
    /// From the catalogue when the program knows the indicator (nil for a code it does not know).
    public var catalogue: Indicateur?
    /// One line per C360 that sent a file for the period, in département order.
    public var lignes: [LigneConsolidee]
    public var ensemble: Agregat
    /// The consolidated figures over the C360s published both years (constant perimeter), and
    /// the change between them; nil without files of the year before.
    public var ensembleN1Constant: Agregat?
    public var ensembleNConstant: Agregat?
    public var evolutionEnsemble: Double?
    public var distribution: Distribution?
    /// The target, when every C360 that has one has the same.
    public var cibleCommune: Cible?

    /// The consolidated figure compared with the C360s': the rate when there is one, else the value.
    public var mesureEnsemble: Double? { aUnTaux ? ensemble.taux : ensemble.valeur }
}

/// The consolidation of a period: every département of the perimeter (with the files it sent),
/// every indicator across the C360s, and the files left out.
public struct Consolidation: Sendable {
    public var perimetre: Perimetre
    public var periode: Periode
    public var periodePrecedente: Periode
    /// Every département of the perimeter, in code order.
    public var participants: [Participant]
    public var indicateurs: [IndicateurConsolide]
    public var ecartes: [FichierEcarte]
    /// Files read in all (consolidated or not).
    public var fichiersLus: Int
    public var date: Date
    /// The small-count threshold of most files (the words of the reports use it).
    public var seuil: Int

    /// The départements that sent a file for the period.
    public var c360: [Participant] { participants.filter { $0.fichier != nil } }
    public var avecPrecedent: Int { participants.filter { $0.fichier != nil && $0.precedent != nil }.count }

    public subscript(code: String) -> IndicateurConsolide? { indicateurs.first { $0.code == code } }
}

/// Builds the consolidation from the files read. **Only published figures are used**: a
/// withheld one (« < 5 », « secret », « effectif insuffisant ») is never added, ranked or
/// compared, and every consolidated figure is a sum over C360s that all publish it, with the
/// list of those C360s. So a consolidated figure minus the other C360s' published ones gives
/// back nothing that was not published (`Reports/methodologie-consolidation.md`).
///
/// ```swift
/// let lot = LectureEchange.lire(urls)
/// let c = try Consolidateur.consolider(lot, options: OptionsConsolidation(region: "32"))
/// c["1.6"]?.ensemble.taux            // Σ accepted / Σ decided over the C360s publishing both
/// c["1.6"]?.ensemble.couvertureTaux  // which ones
/// ```
public enum Consolidateur {
    public static func consolider(_ lot: LotEchanges, options: OptionsConsolidation, referentiel: Referentiel = .integre,
                                  catalogue: Catalogue = .integre) throws -> Consolidation {
        let perimetre: Perimetre
        let departements: [Departement]
        if let r = options.region {
            let code = Referentiel.normaliser(r)
            guard let region = referentiel.regions.first(where: { $0.code == code }) else {
                throw ErreurObservatoire(.usage, "Région « \(TexteSur.surUneLigne(r)) » inconnue.",
                                         conseil: "Codes INSEE des régions : " + referentiel.regions.map { "\($0.code) \($0.nom)" }.joined(separator: ", ") + ".")
            }
            perimetre = .region(code: region.code, nom: region.nom)
            departements = referentiel.departements(region: region.code)
        } else {
            perimetre = .national
            departements = referentiel.departements
        }
        var ecartes = lot.ecartes
        let codes = Set(departements.map(\.code))
        var dansLePerimetre: [FichierEchange] = []
        for f in lot.fichiers {
            if codes.contains(f.departement) {
                dansLePerimetre.append(f)
            } else {
                ecartes.append(FichierEcarte(nom: f.nom, chemin: f.chemin, motif: .horsPerimetre,
                                             raison: "département \(f.departement), hors de la \(perimetre.libelle)", conseil: nil))
            }
        }
        guard let periode = options.periode ?? Consolidateur.periodeLaPlusRecente(dansLePerimetre) else {
            throw ErreurObservatoire(.donneesIllisibles, "Aucun fichier d'échange lisible pour la \(perimetre.libelle) : rien à consolider.",
                                     conseil: "Indiquez les fichiers d'indicateurs externes des C360 (« c360 indicateurs --diffusion externe --format csv --sortie DOSSIER »), ou le dossier qui les contient.")
        }
        let precedente = periode.anneePrecedente
        var courants: [String: FichierEchange] = [:]
        var anciens: [String: FichierEchange] = [:]
        for (p, cible) in [(periode, 0), (precedente, 1)] {
            let groupes = Dictionary(grouping: dansLePerimetre.filter { $0.periode == p }, by: \.departement)
            for (code, fichiers) in groupes {
                let (garde, doublons) = departager(fichiers, periode: p)
                ecartes += doublons
                if let garde { if cible == 0 { courants[code] = garde } else { anciens[code] = garde } }
            }
        }
        for f in dansLePerimetre where f.periode != periode && f.periode != precedente {
            ecartes.append(FichierEcarte(nom: f.nom, chemin: f.chemin, motif: .autrePeriode,
                                         raison: "période \(f.periode.libelle), ni celle consolidée (\(periode.libelle)) ni l'année d'avant", conseil: nil))
        }
        guard !courants.isEmpty else {
            throw ErreurObservatoire(.donneesIllisibles, "Aucun fichier d'échange lisible pour la \(perimetre.libelle) et la période \(periode.libelle) : rien à consolider.",
                                     conseil: "Vérifiez la période demandée (--periode) et les fichiers indiqués ; les fichiers refusés sont listés avec leur raison.")
        }
        let participants = departements.sorted { $0.code < $1.code }.map { d in
            Participant(departement: d, fichier: courants[d.code], precedent: courants[d.code] == nil ? nil : anciens[d.code])
        }
        let envoyes = participants.filter { $0.fichier != nil }
        // Every indicator of the files: the catalogue's order first, then the others as they come.
        var ordre: [String] = []
        for p in envoyes { for i in p.fichier!.indicateurs where !ordre.contains(i.code) { ordre.append(i.code) } }
        let rangCatalogue = Dictionary(catalogue.indicateurs.enumerated().map { ($1.code, $0) }, uniquingKeysWith: { a, _ in a })
        ordre = ordre.enumerated().sorted { a, b in
            (rangCatalogue[a.element] ?? Int.max, a.offset) < (rangCatalogue[b.element] ?? Int.max, b.offset)
        }.map(\.element)
        let indicateurs = ordre.map { indicateur($0, envoyes, catalogue: catalogue) }
        let seuils = envoyes.compactMap(\.fichier?.seuil)
        let seuil = Dictionary(grouping: seuils, by: { $0 }).max { ($0.value.count, -$0.key) < ($1.value.count, -$1.key) }?.key ?? 5
        return Consolidation(perimetre: perimetre, periode: periode, periodePrecedente: precedente, participants: participants,
                             indicateurs: indicateurs, ecartes: ecartes, fichiersLus: lot.fichiers.count + lot.ecartes.count,
                             date: options.date, seuil: seuil)
    }

    /// The period of the files that ends last (the longest if several end the same day).
    static func periodeLaPlusRecente(_ fichiers: [FichierEchange]) -> Periode? {
        fichiers.map(\.periode).max { ($0.fin, $0.nombreDeJours) < ($1.fin, $1.nombreDeJours) }
    }

    /// Several files for one département and one period: copies of the same file count once;
    /// otherwise the most recent extraction is kept, and when that cannot be told, none is.
    static func departager(_ fichiers: [FichierEchange], periode: Periode) -> (FichierEchange?, [FichierEcarte]) {
        var uniques: [FichierEchange] = []
        var ecartes: [FichierEcarte] = []
        for f in fichiers.sorted(by: { $0.chemin < $1.chemin }) {
            if let meme = uniques.first(where: { $0.empreinte == f.empreinte }) {
                ecartes.append(FichierEcarte(nom: f.nom, chemin: f.chemin, motif: .doublon,
                                             raison: "copie à l'identique de « \(meme.nom) » (département \(f.departement), \(periode.libelle)) : comptée une fois",
                                             conseil: "Gardez un seul exemplaire de chaque fichier."))
            } else {
                uniques.append(f)
            }
        }
        guard uniques.count > 1 else { return (uniques.first, ecartes) }
        let dates = uniques.compactMap(\.extraction)
        let plusRecente = dates.max()
        if dates.count == uniques.count, let plusRecente, uniques.filter({ $0.extraction == plusRecente }).count == 1,
           let garde = uniques.first(where: { $0.extraction == plusRecente }) {
            for f in uniques where f.chemin != garde.chemin {
                ecartes.append(FichierEcarte(nom: f.nom, chemin: f.chemin, motif: .doublon,
                                             raison: "deux fichiers pour le département \(f.departement) et la période \(periode.libelle) : « \(garde.nom) », extrait plus récemment (\(Horodatage.francais(plusRecente))), est gardé à sa place",
                                             conseil: "Ne gardez que le dernier envoi de chaque C360 pour une période."))
            }
            return (garde, ecartes)
        }
        for f in uniques {
            ecartes.append(FichierEcarte(nom: f.nom, chemin: f.chemin, motif: .doublon,
                                         raison: "\(uniques.count) fichiers différents pour le département \(f.departement) et la période \(periode.libelle), sans date d'extraction qui permette de garder le plus récent : aucun n'est consolidé",
                                         conseil: "Ne gardez qu'un fichier par C360 et par période, puis relancez la consolidation."))
        }
        return (nil, ecartes)
    }

    // MARK: - One indicator

    static func indicateur(_ code: String, _ envoyes: [Participant], catalogue: Catalogue) -> IndicateurConsolide {
        let i = catalogue[code]
        let publies = envoyes.compactMap { $0.fichier?[code] }
        let unite = i?.unite ?? publies.compactMap(\.unite).first ?? .nombre
        let aUnTaux = i.map { $0.taux != nil } ?? publies.contains(where: \.aUnTaux)
        func mesure(_ x: IndicateurEchange?) -> Double? {
            guard let x, x.statut != .nonCollecte, x.statut != .pasDeDonnees else { return nil }
            return aUnTaux ? x.taux.nombre : x.valeur.nombre
        }
        var lignes: [LigneConsolidee] = envoyes.map { p in
            let x = p.fichier![code]
            let px = p.precedent?[code]
            var l = LigneConsolidee(departement: p.departement, c360: p.fichier!.c360, indicateur: x, mesure: mesure(x),
                                    rang: nil, precedent: px, mesurePrecedente: mesure(px), evolution: nil)
            if let a = l.mesure, let b = l.mesurePrecedente {
                l.evolution = aUnTaux ? FormatFrancais.arrondi(a - b) : (b == 0 ? nil : FormatFrancais.arrondi((a - b) / b * 100))
            }
            return l
        }
        let mesures = lignes.compactMap(\.mesure)
        for k in lignes.indices {
            guard let m = lignes[k].mesure else { continue }
            lignes[k].rang = 1 + mesures.filter { $0 > m }.count
        }
        let courant = agreger(lignes.map { ($0.departement.code, $0.indicateur) }, aUnTaux: aUnTaux, unite: unite)
        var n1: Agregat?, nConstant: Agregat?, evolution: Double?
        if envoyes.contains(where: { $0.precedent != nil }) {
            // Constant perimeter: the C360s whose figure is published both years.
            let deuxAns = lignes.filter { l in
                aUnTaux ? (l.indicateur.map(publieTaux) ?? false) && (l.precedent.map(publieTaux) ?? false)
                    : (l.indicateur.map { publieValeur($0, unite: unite) } ?? false) && (l.precedent.map { publieValeur($0, unite: unite) } ?? false)
            }
            if !deuxAns.isEmpty {
                let a = agreger(deuxAns.map { ($0.departement.code, $0.indicateur) }, aUnTaux: aUnTaux, unite: unite)
                let b = agreger(deuxAns.map { ($0.departement.code, $0.precedent) }, aUnTaux: aUnTaux, unite: unite)
                nConstant = a
                n1 = b
                let ma = aUnTaux ? a.taux : a.valeur, mb = aUnTaux ? b.taux : b.valeur
                if let ma, let mb { evolution = aUnTaux ? FormatFrancais.arrondi(ma - mb) : (mb == 0 ? nil : FormatFrancais.arrondi((ma - mb) / mb * 100)) }
            }
        }
        let cibles = lignes.compactMap { $0.indicateur?.cible }
        let commune = cibles.first.flatMap { c in cibles.allSatisfy { $0 == c } ? c : nil }
        let libelle = i?.libelle ?? publies.first?.libelle ?? code
        return IndicateurConsolide(code: code, libelle: libelle, libelleCourt: i?.libelleCourt ?? libelle, unite: unite, aUnTaux: aUnTaux,
                                   catalogue: i, lignes: lignes, ensemble: courant, ensembleN1Constant: n1, ensembleNConstant: nConstant,
                                   evolutionEnsemble: evolution, distribution: Distribution(mesures), cibleCommune: commune)
    }

    static func utilisable(_ x: IndicateurEchange) -> Bool { x.statut != .nonCollecte && x.statut != .pasDeDonnees }

    static func publieTaux(_ x: IndicateurEchange) -> Bool {
        utilisable(x) && x.numerateur.nombre != nil && x.denominateur.nombre != nil
    }

    /// A value that can be added: published; a mean (delay) with its published count `n`.
    static func publieValeur(_ x: IndicateurEchange, unite: Indicateur.Unite) -> Bool {
        guard utilisable(x), x.valeur.nombre != nil else { return false }
        return unite != .jours || (x.statistique("n").nombre ?? 0) > 0
    }

    /// Published figures only: each sum runs over the C360s that publish every term of it.
    static func agreger(_ lignes: [(code: String, indicateur: IndicateurEchange?)], aUnTaux: Bool, unite: Indicateur.Unite) -> Agregat {
        var a = Agregat()
        var somme = 0.0, poids = 0.0
        for (code, x) in lignes {
            guard let x, publieValeur(x, unite: unite), let v = x.valeur.nombre else { continue }
            if unite == .jours {
                // A delay is a mean: pooled with its count of requests (Σ mean × n / Σ n).
                let n = x.statistique("n").nombre!
                somme += v * n
                poids += n
            } else {
                somme += v
            }
            a.couvertureValeur.append(code)
        }
        if !a.couvertureValeur.isEmpty {
            a.valeur = unite == .jours ? (poids > 0 ? FormatFrancais.arrondi(somme / poids) : nil)
                : FormatFrancais.arrondi(somme, unite == .etp ? 2 : 1)
        }
        if aUnTaux {
            var num = 0.0, den = 0.0
            for (code, x) in lignes {
                guard let x, publieTaux(x) else { continue }
                num += x.numerateur.nombre!
                den += x.denominateur.nombre!
                a.couvertureTaux.append(code)
            }
            if !a.couvertureTaux.isEmpty {
                a.numerateur = num
                a.denominateur = den
                a.taux = Moteur.taux(num, sur: den)
            }
        }
        return a
    }
}
