import Foundation
import ObservatoireCore

/// Options of the synthetic data generator.
public struct OptionsDemo: Sendable {
    /// Number of requests over the whole range.
    public var sollicitations = 5_000
    /// The seed: the same seed and options give the same files, byte for byte.
    public var graine: UInt64 = 360
    public var du: Jour
    public var au: Jour
    public var departement = "62"
    public var territoires = OptionsDemo.territoiresPasDeCalais.map(\.0)
    /// Share of rows deliberately broken (typos, impossible dates, unknown values), as real
    /// exports have; 0 for clean data.
    public var tauxErreurs = 0.002
    /// How this C360 works (delays, outcomes, profiles): the defaults are the demo's usual C360;
    /// the regional and national demo varies them from one C360 to the next.
    public var variante = VarianteDemo()

    /// The Pas-de-Calais territories (seed 000) with a weight close to their population.
    public static let territoiresPasDeCalais: [(String, Double)] = [
        ("Arrageois", 0.13), ("Artois", 0.15), ("Audomarois", 0.09), ("Boulonnais", 0.10), ("Calaisis", 0.10),
        ("Hénin-Carvin", 0.08), ("Lens-Liévin", 0.17), ("Montreuillois", 0.08), ("Ternois", 0.04),
    ]

    /// Default range: from 1 January two years ago to the end of last month, so that a report
    /// for last year has its N-1 and the monthly run has a month to show.
    public init(aujourdhui: Jour = Jour.aujourdhui()) {
        du = Jour(annee: aujourdhui.annee - 2, mois: 1, jour: 1)!
        au = aujourdhui.debutDuMois - 1
    }
}

/// The habits of a synthetic C360, so that a demo network does not look like twelve copies.
public struct VarianteDemo: Sendable {
    /// Median days from a request to its first proposition.
    public var delaiMedian = 14.0
    /// Shares of propositions built on earlier assessments, ad hoc with partners, in mainstream settings.
    public var partEvaluation = 0.58
    public var partAdHoc = 0.27
    public var partMilieuOrdinaire = 0.52
    /// Weights of the decisions: accepted, refused, no follow-up, pending.
    public var poidsDecisions = [0.70, 0.14, 0.08, 0.08]
    /// Weights of the profiles: child, adult, carer, professional.
    public var poidsProfils = [0.17, 0.45, 0.28, 0.10]
    /// Whether the co-built life project is filled in (when not, indicator 3.1 is « non collecté »).
    public var projetsRenseignes = true

    public init() {}
}

/// What the generator wrote.
public struct BilanDemo: Sendable {
    public var dossier: URL
    public var fichiers: [URL] = []
    public var lignes: [TableCanonique: Int] = [:]
    public var erreursInjectees = 0
}

/// A pseudo-random generator (xoshiro256**, seeded by SplitMix64): fast, and the same
/// sequence on every machine for the same seed, which `SystemRandomNumberGenerator` is not.
struct Aleatoire: RandomNumberGenerator {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    init(graine: UInt64) {
        var x = graine
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (splitmix(), splitmix(), splitmix(), splitmix())
    }

    mutating func next() -> UInt64 {
        let resultat = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = s.3 << 45 | s.3 >> 19
        return resultat
    }

    /// Uniform in [0, 1).
    mutating func uniforme() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    mutating func bernoulli(_ p: Double) -> Bool { uniforme() < p }

    mutating func entier(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }

    /// An index drawn with the given weights.
    mutating func choix(_ poids: [Double]) -> Int {
        let total = poids.reduce(0, +)
        var u = uniforme() * total
        for (i, p) in poids.enumerated() {
            if u < p { return i }
            u -= p
        }
        return poids.count - 1
    }

    /// Standard normal (Box–Muller).
    mutating func normale() -> Double {
        let u1 = max(uniforme(), 1e-12), u2 = uniforme()
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }

    /// Log-normal with the given median: skewed delays.
    mutating func lognormale(mediane: Double, sigma: Double) -> Double {
        mediane * exp(sigma * normale())
    }
}

/// A buffered writer of CSV lines (`;`-separated UTF-8, as French Excel's « CSV UTF-8 »).
final class EcrivainCSV {
    private let handle: FileHandle
    private var tampon: [UInt8] = []
    let url: URL
    private(set) var lignes = 0

    init(_ url: URL, entete: [String]) throws {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        guard let h = FileHandle(forWritingAtPath: url.path) else {
            throw ErreurObservatoire.ecriture(url.path, "création impossible")
        }
        handle = h
        self.url = url
        tampon.reserveCapacity(1 << 20)
        tampon.append(contentsOf: [0xEF, 0xBB, 0xBF])
        ecrireChamps(entete)
        lignes = 0
    }

    func ecrireChamps(_ champs: [String]) {
        for (i, c) in champs.enumerated() {
            if i > 0 { tampon.append(UInt8(ascii: ";")) }
            if c.utf8.contains(where: { $0 == UInt8(ascii: ";") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }) {
                tampon.append(UInt8(ascii: "\""))
                for b in c.utf8 {
                    if b == UInt8(ascii: "\"") { tampon.append(b) }
                    tampon.append(b)
                }
                tampon.append(UInt8(ascii: "\""))
            } else {
                tampon.append(contentsOf: c.utf8)
            }
        }
        tampon.append(13)
        tampon.append(10)
        lignes += 1
        if tampon.count >= 1 << 20 { vider() }
    }

    private func vider() {
        handle.write(Data(tampon))
        tampon.removeAll(keepingCapacity: true)
    }

    func fermer() throws {
        vider()
        try handle.close()
    }
}

/// Writes realistic synthetic exports in the canonical format (`c360 demo-donnees`).
///
/// The distributions follow what the seeds describe of a real C360: profiles (mostly adults and
/// carers), channels (the free number first), levels of intervention around 88/10/2 %,
/// seasonality with a quiet August and a slow December, a rising activity as the C360 becomes
/// known, propositions with skewed delays and pending decisions for the most recent ones, a
/// team whose positions start and end during the period, a directory of a few hundred actors.
/// Extra columns (a name, a phone number, a free-text note) show that what is not in the spec
/// is never stored.
///
/// ```swift
/// var o = OptionsDemo()
/// o.sollicitations = 1_000_000
/// let bilan = try GenerateurDemo.generer(dans: dossier, options: o)
/// ```
public enum GenerateurDemo {
    static let poidsMois: [Double] = [1.08, 1.05, 1.10, 1.0, 0.98, 1.02, 0.80, 0.45, 1.15, 1.12, 1.05, 0.78]
    static let prenoms = ["Marie", "Jean", "Nathalie", "Pierre", "Isabelle", "Michel", "Sylvie", "Philippe", "Catherine",
                          "Alain", "Léa", "Lucas", "Chloé", "Hugo", "Emma", "Louis", "Inès", "Gabriel", "Manon", "Jules"]
    static let noms = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Petit", "Durand", "Leroy", "Moreau", "Lefebvre",
                       "Lefèvre", "Caron", "Dupont", "Delattre", "Lemaire", "Vasseur", "Deprez", "Lecomte", "Dumont", "Wattez"]
    static let notes = ["Rappeler la maman en fin de semaine", "Dossier MDPH en cours", "Attente de place en IME depuis 2 ans",
                        "Aidante épuisée ; demande de répit", "Voir avec l'assistante sociale du secteur",
                        "Situation signalée par l'école", "Sortie d'hospitalisation prévue", "Besoin d'un transport adapté"]

    public static func generer(dans dossier: URL, options o: OptionsDemo) throws -> BilanDemo {
        guard o.au >= o.du else {
            throw ErreurObservatoire(.usage, "La période de génération est vide (--du \(o.du.francais) après --au \(o.au.francais)).",
                                     conseil: "Indiquez une date de début antérieure à la date de fin.")
        }
        guard o.sollicitations >= 0 else {
            throw ErreurObservatoire(.usage, "Le nombre de sollicitations doit être positif.", conseil: "Par exemple --sollicitations 5000.")
        }
        do {
            try FileManager.default.createDirectory(at: dossier, withIntermediateDirectories: true)
        } catch {
            throw ErreurObservatoire.ecriture(dossier.path, erreur: error)
        }
        var bilan = BilanDemo(dossier: dossier)
        var g = Aleatoire(graine: o.graine)

        let acteurs = try genererActeurs(dossier, o, &g, &bilan)
        try genererEquipe(dossier, o, &g, &bilan)
        try genererMembresCoeur(dossier, o, &g, acteurs.coeur, &bilan)
        try genererSollicitations(dossier, o, &g, acteurs, &bilan)
        return bilan
    }

    // MARK: - Actors

    struct Annuaire {
        var ids: [String] = []
        var dates: [Jour] = []
        var coeur: [String] = []
    }

    static func genererActeurs(_ dossier: URL, _ o: OptionsDemo, _ g: inout Aleatoire, _ bilan: inout BilanDemo) throws -> Annuaire {
        let w = try EcrivainCSV(dossier.appendingPathComponent("acteurs.csv"),
                                entete: ["acteur_id", "nom", "categorie", "membre_coeur", "partenaire", "date_referencement", "date_sortie", "contact"])
        var annuaire = Annuaire()
        let coeur = ["MDPH du Pas-de-Calais", "Département du Pas-de-Calais", "ARS Hauts-de-France – délégation départementale",
                     "APF France handicap – délégation 62", "Papillons Blancs de l'Artois", "Association des Paralysés – PCPE",
                     "Dispositif d'appui à la coordination 62", "Union départementale des associations familiales",
                     "Éducation nationale – DSDEN 62", "Caisse d'allocations familiales du Pas-de-Calais"]
        let specialises = ["IME", "SESSAD", "ESAT", "FAM", "MAS", "SAVS", "SAMSAH", "PCPE", "Foyer de vie", "CAMSP", "CMPP", "EMAS"]
        let droitCommun = ["Mairie", "CCAS", "Mission locale", "Club sportif", "Centre social", "Collège", "Lycée professionnel",
                           "Médiathèque", "Cabinet infirmier", "Maison de santé", "Bailleur social", "Auto-école", "Musée",
                           "Agence France Travail", "Crèche", "Centre de loisirs"]
        let lieux = ["d'Arras", "de Lens", "de Liévin", "de Béthune", "de Saint-Omer", "de Boulogne-sur-Mer", "de Calais",
                     "d'Hénin-Beaumont", "de Carvin", "de Montreuil", "de Berck", "de Saint-Pol-sur-Ternoise", "de Bruay",
                     "d'Aire-sur-la-Lys", "d'Étaples", "du Touquet", "de Bapaume", "d'Avion", "de Bully-les-Mines", "de Marck"]
        let nombre = min(1_500, 250 + o.sollicitations / 1_000)
        let etendue = max(1, o.au - o.du)
        for i in 0..<nombre {
            let id = String(format: "ACT-%04d", i + 1)
            let estCoeur = i < coeur.count
            let specialise = estCoeur ? i % 3 != 1 : g.bernoulli(0.45)
            let nom: String
            if estCoeur { nom = coeur[i] } else {
                let type = specialise ? specialises[g.entier(specialises.count)] : droitCommun[g.entier(droitCommun.count)]
                nom = "\(type) \(lieux[g.entier(lieux.count)])" + (g.bernoulli(0.3) ? " (site \(g.entier(4) + 1))" : "")
            }
            let partenaire = estCoeur || g.bernoulli(0.35)
            // A third of the directory predates the period; the rest is built during it.
            let reference = estCoeur || g.bernoulli(0.35) ? o.du - (30 + g.entier(700)) : o.du + g.entier(etendue)
            var sortie: Jour?
            if !estCoeur && g.bernoulli(0.06) {
                let s = reference + 60 + g.entier(etendue)
                if s <= o.au { sortie = s }
            }
            var ligne = [id, nom, specialise ? "specialise" : "droit_commun", estCoeur ? "oui" : "non", partenaire ? "oui" : "non",
                         reference.francais, sortie?.francais ?? "",
                         g.bernoulli(0.4) ? "\(prenoms[g.entier(prenoms.count)]) \(noms[g.entier(noms.count)]) – 03 21 \(10 + g.entier(89)) \(10 + g.entier(89)) \(10 + g.entier(89))" : ""]
            if i >= coeur.count, g.bernoulli(o.tauxErreurs * 2) {
                ligne[2] = "médico-social"
                bilan.erreursInjectees += 1
            }
            w.ecrireChamps(ligne)
            annuaire.ids.append(id)
            annuaire.dates.append(reference)
            if estCoeur { annuaire.coeur.append(nom) }
        }
        try w.fermer()
        bilan.fichiers.append(w.url)
        bilan.lignes[.acteurs] = w.lignes
        return annuaire
    }

    // MARK: - Team

    static func genererEquipe(_ dossier: URL, _ o: OptionsDemo, _ g: inout Aleatoire, _ bilan: inout BilanDemo) throws {
        let w = try EcrivainCSV(dossier.appendingPathComponent("equipe.csv"),
                                entete: ["poste_id", "fonction", "etp", "recherche_solutions", "date_debut", "date_fin", "titulaire"])
        let conseillers = min(60, 3 + o.sollicitations / 4_000)
        var sieges: [(String, String, Bool)] = [("coordinateur", "1", false), ("autre", "0,5", false)]
        for _ in 0..<conseillers { sieges.append(("conseiller_parcours", ["1", "1", "0,8", "0,5"][g.entier(4)], true)) }
        var n = 0
        for (fonction, etp, recherche) in sieges {
            // Successive holders of the seat: each stays one to three years, with a gap between.
            var debut = o.du - g.entier(400)
            while debut <= o.au {
                n += 1
                let duree = 200 + g.entier(900)
                let fin = debut + duree
                let finConnue = fin <= o.au + 180
                w.ecrireChamps([String(format: "POSTE-%03d", n), fonction, etp, recherche ? "oui" : "non", debut.iso,
                                finConnue ? fin.iso : "", "\(prenoms[g.entier(prenoms.count)]) \(noms[g.entier(noms.count)])"])
                if !finConnue { break }
                debut = fin + 15 + g.entier(60)
            }
        }
        try w.fermer()
        bilan.fichiers.append(w.url)
        bilan.lignes[.equipe] = w.lignes
    }

    // MARK: - Core members

    static func genererMembresCoeur(_ dossier: URL, _ o: OptionsDemo, _ g: inout Aleatoire, _ coeur: [String], _ bilan: inout BilanDemo) throws {
        let w = try EcrivainCSV(dossier.appendingPathComponent("membres_coeur.csv"), entete: ["annee", "membre", "etp"])
        for annee in o.du.annee...o.au.annee {
            for m in coeur {
                let etp = Double(2 + g.entier(19)) * 0.05
                w.ecrireChamps([String(annee), m, String(format: "%.2f", etp).replacingOccurrences(of: ".", with: ",")])
            }
        }
        try w.fermer()
        bilan.fichiers.append(w.url)
        bilan.lignes[.membresCoeur] = w.lignes
    }

    // MARK: - Requests and propositions

    /// How many requests fall on each day: the total split by weights (month, weekday, growth),
    /// rounded by largest remainders so that the total is exact.
    static func repartitionParJour(_ o: OptionsDemo) -> [Int] {
        let jours = o.au - o.du + 1
        var poids = [Double](repeating: 0, count: jours)
        for k in 0..<jours {
            let j = o.du + k
            let jourSemaine = ((j.numero % 7) + 7 + 3) % 7 // 0 = Monday (1970-01-01 was a Thursday)
            let semaine = jourSemaine < 5 ? 1.0 : (jourSemaine == 5 ? 0.06 : 0.02)
            let croissance = 1 + 0.12 * Double(k) / 365
            poids[k] = poidsMois[j.mois - 1] * semaine * croissance
        }
        let total = poids.reduce(0, +)
        var comptes = poids.map { Int(($0 / total * Double(o.sollicitations)).rounded(.down)) }
        var restes = poids.enumerated().map { ($0.offset, $0.element / total * Double(o.sollicitations) - Double(comptes[$0.offset])) }
        restes.sort { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        var manque = o.sollicitations - comptes.reduce(0, +)
        var i = 0
        while manque > 0 && !restes.isEmpty {
            comptes[restes[i % restes.count].0] += 1
            manque -= 1
            i += 1
        }
        return comptes
    }

    static func genererSollicitations(_ dossier: URL, _ o: OptionsDemo, _ g: inout Aleatoire, _ annuaire: Annuaire, _ bilan: inout BilanDemo) throws {
        let ws = try EcrivainCSV(dossier.appendingPathComponent("sollicitations.csv"), entete: [
            "id_sollicitation", "date_sollicitation", "personne_id", "nom_prenom", "telephone", "profil", "type_demande",
            "problematiques", "origine", "accompagnee", "projet_vie_co_construit", "territoire", "departement", "canal",
            "niveau_intervention", "orientation_rapt", "tranche_age", "date_cloture", "commentaire",
        ])
        let wp = try EcrivainCSV(dossier.appendingPathComponent("propositions.csv"), entete: [
            "id_proposition", "id_sollicitation", "date_proposition", "evaluation_preexistante", "ad_hoc_partenaires",
            "milieu_ordinaire", "decision", "date_decision", "acteur_id",
        ])
        let poidsTerritoires = o.territoires.map { t in OptionsDemo.territoiresPasDeCalais.first { $0.0 == t }?.1 ?? 0.1 }
        let typologie = Configuration.typologieParDefaut
        let poidsTypes = [0.16, 0.10, 0.06, 0.10, 0.12, 0.20, 0.08, 0.05, 0.04, 0.05, 0.04]
        // Recent persons, to draw people who come back.
        var recents: [(String, Int)] = []
        var personnes = 0
        var numero = 0
        var numeroProposition = 0
        let comptes = repartitionParJour(o)

        for (k, n) in comptes.enumerated() where n > 0 {
            let jour = o.du + k
            for _ in 0..<n {
                numero += 1
                let id = String(format: "S%07d", numero)
                // A person comes back in about one request out of six.
                let personne: String
                let profilIndex: Int
                if !recents.isEmpty && g.bernoulli(0.17) {
                    let p = recents[g.entier(recents.count)]
                    personne = p.0
                    profilIndex = p.1
                } else {
                    personnes += 1
                    personne = String(format: "P%07d", personnes)
                    profilIndex = g.choix(o.variante.poidsProfils)
                    if recents.count < 5_000 { recents.append((personne, profilIndex)) } else { recents[g.entier(5_000)] = (personne, profilIndex) }
                }
                let profil = Profil.allCases[profilIndex]
                let typeIndex = g.choix([0.42, 0.25, 0.33])
                let type = TypeDemande.allCases[typeIndex]
                var problematiques: [String] = []
                if type == .rechercheSolution {
                    var p = poidsTypes
                    if profil == .enfantSH { p[1] *= 3 }
                    if profil == .aidant { p[6] *= 3 }
                    let nombre = 1 + (g.bernoulli(0.45) ? 1 + (g.bernoulli(0.3) ? 1 : 0) : 0)
                    while problematiques.count < nombre {
                        let t = typologie[g.choix(p)]
                        if !problematiques.contains(t) { problematiques.append(t) }
                    }
                }
                let niveau = [[0.97, 0.03, 0.0], [0.93, 0.07, 0.0], [0.74, 0.205, 0.055]][typeIndex]
                let niveauIntervention = g.choix(niveau) + 1
                let accompagnee = g.bernoulli([0.04, 0.25, 0.78][typeIndex])
                let origine = g.bernoulli(accompagnee ? 0.12 : 0.04) ? "reperage_360" : "demande"
                var projet = ""
                if accompagnee { projet = ["personne", "aidant", "pair_aidant", "non", ""][g.choix([0.38, 0.24, 0.05, 0.18, 0.15])] }
                if !o.variante.projetsRenseignes { projet = "" }
                let territoire = o.territoires[g.choix(poidsTerritoires)]
                let canal = Canal.allCases[g.choix([0.52, 0.14, 0.18, 0.12, 0.04])].rawValue
                let rapt: String
                if niveauIntervention == 3 { rapt = g.bernoulli(0.85) ? "oui" : "non" } else { rapt = g.bernoulli(0.1) ? "" : (g.bernoulli(0.003) ? "oui" : "non") }
                let tranche: String
                switch profil {
                case .enfantSH: tranche = g.bernoulli(0.85) ? "moins_16" : "16_21"
                case .adulteSH: tranche = g.bernoulli(0.08) ? "16_21" : "plus_21"
                default: tranche = ["moins_16", "16_21", "plus_21", ""][g.choix([0.3, 0.1, 0.4, 0.2])]
                }
                var cloture: Jour?
                if accompagnee {
                    let c = jour + Int(g.lognormale(mediane: 75, sigma: 0.7))
                    if c <= o.au { cloture = c }
                } else if g.bernoulli(0.7) {
                    let c = jour + g.entier(4)
                    if c <= o.au { cloture = c }
                }
                let nomPrenom = "\(noms[g.entier(noms.count)]) \(prenoms[g.entier(prenoms.count)])"
                let telephone = String(format: "06 %02d %02d %02d %02d", g.entier(100), g.entier(100), g.entier(100), g.entier(100))
                let commentaire = g.bernoulli(0.2) ? notes[g.entier(notes.count)] : ""
                var ligne = [id, jour.francais, personne, nomPrenom, telephone, profil.rawValue, type.rawValue,
                             problematiques.joined(separator: "|"), origine, accompagnee ? "oui" : "non", projet, territoire,
                             g.bernoulli(0.03) ? "" : o.departement, canal, String(niveauIntervention), rapt, tranche,
                             cloture?.francais ?? "", commentaire]
                if g.bernoulli(o.tauxErreurs) {
                    bilan.erreursInjectees += 1
                    switch g.entier(5) {
                    case 0: ligne[5] = "adulte"                                    // unknown profile
                    case 1: ligne[1] = "31/02/\(jour.annee)"                       // impossible date
                    case 2: ligne[2] = ""                                          // missing person
                    case 3: ligne[9] = "peut-être"                                 // unreadable boolean
                    default: ligne[11] = "Boulogne"                                // unknown territory
                    }
                    ws.ecrireChamps(ligne)
                    continue
                }
                ws.ecrireChamps(ligne)

                // Propositions for this request.
                let probabilite = [0.03, 0.35, 0.82][typeIndex]
                guard g.bernoulli(probabilite) else { continue }
                var nombre = 1
                while nombre < 4 && g.bernoulli(0.35) { nombre += 1 }
                var date = jour + Int(g.lognormale(mediane: o.variante.delaiMedian, sigma: 0.9))
                for _ in 0..<nombre {
                    guard date <= o.au else { break }
                    numeroProposition += 1
                    let age = o.au - date
                    var decision = "en_attente"
                    var dateDecision: Jour?
                    if !(age < 20 && g.bernoulli(0.7)) {
                        decision = ["acceptee", "refusee", "sans_suite", "en_attente"][g.choix(o.variante.poidsDecisions)]
                        if decision != "en_attente" {
                            let d = date + Int(g.lognormale(mediane: 7, sigma: 0.8))
                            if d <= o.au { dateDecision = d } else { decision = "en_attente" }
                        }
                    }
                    var acteur = ""
                    if !annuaire.ids.isEmpty && g.bernoulli(0.85) {
                        let a = g.entier(annuaire.ids.count)
                        if annuaire.dates[a] <= date { acteur = annuaire.ids[a] }
                    }
                    var lp = [String(format: "PR%07d", numeroProposition), id, date.iso,
                              g.bernoulli(o.variante.partEvaluation) ? "1" : "0", g.bernoulli(o.variante.partAdHoc) ? "1" : "0",
                              g.bernoulli(o.variante.partMilieuOrdinaire) ? "1" : "0",
                              decision, dateDecision?.iso ?? "", acteur]
                    if g.bernoulli(o.tauxErreurs) {
                        bilan.erreursInjectees += 1
                        if g.bernoulli(0.5) { lp[6] = "validée" } else { lp[1] = String(format: "S%07d", numero + 900_000_000) }
                    }
                    wp.ecrireChamps(lp)
                    date = date + Int(g.lognormale(mediane: 10, sigma: 0.8))
                }
            }
        }
        try ws.fermer()
        try wp.fermer()
        bilan.fichiers.append(ws.url)
        bilan.fichiers.append(wp.url)
        bilan.lignes[.sollicitations] = ws.lignes
        bilan.lignes[.propositions] = wp.lignes
    }
}
