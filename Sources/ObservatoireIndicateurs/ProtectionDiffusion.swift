import Foundation
import ObservatoireCore

/// One table of a diffusion: the indicators of a period, for a territory (nil: the whole C360).
public struct TableDiffusee: Sendable {
    public var periode: Periode
    public var territoire: String?
    public var valeurs: [ValeurIndicateur]
    /// false: the document prints none of the statistics but the count a mean rests on
    /// (`effectif`; a dashboard). The other counts among them (1.6's pending decisions…)
    /// still follow from what it prints (the propositions less the decided ones): they stay in
    /// the table, as counts that are not published but must not be recoverable.
    public var statistiquesImprimees = true

    public init(periode: Periode, territoire: String?, valeurs: [ValeurIndicateur], statistiquesImprimees: Bool = true) {
        self.periode = periode
        self.territoire = territoire
        self.valeurs = valeurs
        self.statistiquesImprimees = statistiquesImprimees
    }
}

/// What the protection of a diffusion did: the methodology prints it.
public struct BilanProtection: Sendable, Equatable {
    /// Distinct counts published together (a count shown in two places is one cell).
    public var cellules = 0
    /// Counts from 1 to the threshold − 1 (primary suppression).
    public var petitsEffectifs = 0
    /// Counts withheld so that no small one can be recovered (secondary suppression).
    public var secrets = 0
    /// Rates, shares, means, medians and ratios withheld because they rest on a withheld
    /// count or on fewer requests than the threshold (every place they appear), and zeros
    /// withheld with the breakdown of a small total.
    public var figuresRetenues = 0
    /// Masked counts that could still be recovered when nothing more could be withheld (0 but
    /// on pathological data; the methodology says so when it is not).
    public var nonProtegees = 0
    /// Counts printed by earlier external documents, still true, that this diffusion took as
    /// known to its readers (``RegistreDesPublications``).
    public var dejaPublies = 0
    /// Small counts that the documents published before already gave away on their own
    /// (shown « < 5 » here, but nothing this document withholds could protect them).
    public var dejaDeductibles = 0

    public init() {}
}

/// The small-count rule of `spec/indicateurs.md`, applied to a **whole diffusion** — every
/// table published together (a report: the year, N-1, every territory; a dashboard: 24 months,
/// the year to date and its N-1, the territories; an `indicateurs` export: the period and its
/// N-1) — so that no masked count can be narrowed down to a single value by any combination of
/// additions and subtractions of what is published.
///
/// The method is the one of τ-ARGUS (Statistics Netherlands) and sdcTable (R) for linked
/// tables, audited by linear programming as INSEE does for its tabulations:
///
/// 1. **Cells.** Every published count is a cell, identified by *what* it counts (an
///    ``Ensemble`` of the `comptes` header of its query), over which period and territory: the
///    same set published by two indicators (1.1, 1.2 and `x.type` all give the requests) is one
///    cell.
/// 2. **Relations** between cells, all derived from the headers: a breakdown adds up to its
///    total; a sum of sets is the sum of its cells; a subset is no larger than its set;
///    requests of disjoint months add up to the year or the quarter (cohort rule), territories
///    to the C360; and the equalities and inequalities the queries declare (`contraintes`).
///    A rate published with its numerator and denominator publishes their difference too
///    (« 8 — 88,9 % (8 / 9) »: 1 refused), and so does a line of a breakdown whose lines
///    overlap shown with its base (« 6 sur 10 concernent la santé »: 4 do not): a cell of its
///    own, never printed.
/// 3. **Primary suppression**: a count from 1 to `seuil − 1` (zero is shown), the implicit
///    difference of a rate included.
/// 4. **Audit**: an attacker knows every published cell, every relation, that a « < 5 » is
///    between 1 and `seuil − 1`, that a « secret » is at least `seuil` (it is never a small
///    count, and zero is never masked) and
///    that every count is a whole number ≥ 0. For each masked cell the audit looks, by linear
///    programming with branch and bound (``SolveurLineaire``), for a whole-number solution of
///    all relations in which that cell has another value. When there is none, the smallest
///    published count that shares a relation with it is withheld as well (« secret ») and the
///    audit starts again: suppressing a cell only widens the solutions, so a cell once shown to
///    be protected stays protected.
/// 5. **Figures that are not counts** are never shown as « < 5 »: a rate or share whose count
///    or base is withheld, and a mean, median or percentile computed on fewer requests than the
///    threshold, are withheld as « effectif insuffisant » (or « secret » when the count behind
///    them is a secondary suppression). The audit does not model order statistics: the mean,
///    median and percentiles of records whose breakdown (the delay bands) has a withheld line,
///    in their table or in one that adds up with it, are withheld too
///    (`Modele.statistiquesExposees`).
///
/// ```swift
/// let (publiees, bilan) = try ProtectionDiffusion.proteger(tables, territoires: ["Arrageois", "Ternois"], seuil: 5)
/// bilan.petitsEffectifs   // counts shown « < 5 »
/// bilan.secrets           // counts withheld so that they cannot be recovered
/// ```
public enum ProtectionDiffusion {
    /// `C360_TRACE_SECRET=1` prints every round of the audit, and what the registry of
    /// publications brought, on standard error.
    public static let trace = ProcessInfo.processInfo.environment["C360_TRACE_SECRET"] == "1"

    /// Protects the tables together. `territoires` are all the territories whose figures add
    /// up to the whole C360 (those of the data, or of the configuration).
    ///
    /// `imprimees`: the tables the document prints, when the others are published by the
    /// documents sent together with it (see `Preparation.paquetAnnuel`): protected with them,
    /// but not counted in its summary.
    public static func proteger(_ tables: [TableDiffusee], territoires: [String], seuil: Int,
                                populations: Populations = .integrees,
                                imprimees: Range<Int>? = nil) throws -> (tables: [TableDiffusee], bilan: BilanProtection) {
        let p = try protegerApres([], connus: [], tables, territoires: territoires, seuil: seuil, populations: populations, imprimees: imprimees)
        return (p.tables, p.bilan)
    }

    /// What a protection gives back.
    public struct Protection: Sendable {
        /// The tables, in the order given, with their withheld figures.
        public var tables: [TableDiffusee]
        public var bilan: BilanProtection
        /// The counts the printed tables show (``imprimees``): what the registry of
        /// publications keeps once the document is published.
        public var publies: [ChiffrePublie]
    }

    /// Protects `tables` after earlier documents: `dejaPubliees` are the tables those documents
    /// printed, computed again from today's data, and `connus` the counts they showed
    /// (``RegistreDesPublications``). A count of those tables that `connus` holds **with
    /// today's value** is known to the readers: never withheld, a constant of the audit; the
    /// others (masked then, or revised since) are unknowns of the audit, which must still not
    /// be recoverable (small ones are counts to protect, like any other).
    public static func protegerApres(_ dejaPubliees: [TableDiffusee], connus: Set<ChiffrePublie>,
                                     _ tables: [TableDiffusee], territoires: [String], seuil: Int,
                                     populations: Populations = .integrees,
                                     imprimees: Range<Int>? = nil) throws -> Protection {
        guard seuil > 1 else { return Protection(tables: tables, bilan: BilanProtection(), publies: []) }
        var modele = Modele(populations: populations, territoires: territoires, seuil: seuil)
        modele.imprimees = imprimees ?? tables.indices
        modele.debutConnues = tables.count
        // A count the threshold rule masks is never taken as known (a threshold raised since).
        modele.chiffresConnus = connus.filter { $0.valeur == 0 || $0.valeur >= seuil }
        let toutes = tables + dejaPubliees
        try modele.lire(toutes)
        modele.deduireRelations()
        try modele.verifierCoherence()
        modele.masquerPetitsEffectifs()
        modele.completerParSecretsSecondaires()
        let (protegees, bilan) = modele.appliquer(toutes)
        let courantes = Array(protegees.prefix(tables.count))
        return Protection(tables: courantes, bilan: bilan, publies: modele.chiffresPublies(courantes))
    }
}

// MARK: - The model of a diffusion

/// Which figure of an indicator a cell is published as.
private enum Champ: Hashable {
    case champ(String)
    case ligne(Int)
}

private struct Reference: Hashable {
    var table: Int
    var valeur: Int
    var champ: Champ
}

/// What a cell counts: one set, the sum of several (the decided propositions of 1.6), or
/// what a part leaves out of its total: a rate's numerator out of its denominator, a problem
/// type out of its base (``Modele/ajouterComplement(partie:total:valeur:_:_:_:)``).
private indirect enum Objet: Hashable, Comparable {
    case ensemble(Ensemble)
    case somme([Ensemble])
    /// `total − partie`, the records of the total that are not in the part.
    case reste(total: Objet, partie: Objet)

    var base: String {
        switch self {
        case .ensemble(let e): return e.base
        case .somme(let l): return l[0].base
        case .reste(let total, _): return total.base
        }
    }

    var texte: String {
        switch self {
        case .ensemble(let e): return e.description
        case .somme(let l): return l.map(\.description).joined(separator: " + ")
        case .reste(let total, let partie): return "(\(total.texte)) − (\(partie.texte))"
        }
    }

    static func < (a: Objet, b: Objet) -> Bool { a.texte < b.texte }
}

private struct Cle: Hashable, Comparable {
    var objet: Objet
    var debut: Jour
    var fin: Jour
    var territoire: String?

    static func < (a: Cle, b: Cle) -> Bool {
        (a.objet.texte, a.debut, a.fin, a.territoire ?? "") < (b.objet.texte, b.debut, b.fin, b.territoire ?? "")
    }
}

private enum Etat {
    case publiee, petitEffectif, secret
    /// A line withheld with the breakdown of a small total (« effectif insuffisant »): not
    /// published, so the attacker only knows it is ≥ 0.
    case insuffisant
    /// Not published at all (a month of a territory that only ties the months to the year).
    case auxiliaire
}

private struct Cellule {
    var cle: Cle
    /// The true count, for a published cell; nil for a cell that is not published (a month
    /// of a territory that only serves to tie the months to the year).
    var valeur: Int?
    var etat: Etat
    var estMasquee: Bool { etat == .petitEffectif || etat == .secret }
    /// A count the audit must show to be protected: masked, or a non-zero count withheld with
    /// the breakdown of a small total.
    var estAProteger: Bool { estMasquee || (etat == .insuffisant && (valeur ?? 0) > 0) }
    var estVariable: Bool { etat != .publiee }
}

/// `Σ coefficient × cellule = 0` (or `≤ 0`).
private struct Relation {
    var termes: [(cellule: Int, coefficient: Int)]
    var egalite: Bool
}

private struct Modele {
    let populations: Populations
    let territoires: [String]
    let seuil: Int
    var cellules: [Cellule] = []
    var index: [Cle: Int] = [:]
    var relations: [Relation] = []
    var relationsDe: [[Int]] = []
    var references: [Int: [Reference]] = [:]
    /// The cell of the total of each breakdown (its shares are withheld with it).
    var totaux: [Reference: Int] = [:]
    /// Each breakdown: its total and its lines.
    var repartitions: [(total: Int, lignes: [Int])] = []
    /// Breakdowns declared by the headers, to skip the subset relations they already imply.
    var partitions: Set<[Int]> = []
    var sommesReliees: Set<Int> = []
    /// Counts that are not printed but follow from two that are: what a part leaves out of its
    /// total (a rate's numerator out of its denominator, a problem type out of its base). Unknowns of the audit (known through their relation),
    /// to protect when small; never chosen as a secondary suppression (withholding them would
    /// hide nothing).
    var implicites: Set<Int> = []
    /// Cells published as a headline figure (a value, a rate's numerator or denominator, the
    /// total of a breakdown), even when they are also a breakdown line: withheld last.
    var estEnTete: Set<Int> = []
    /// Cells shown to have another possible whole value (they stay so: see step 4).
    var protegees: Set<Int> = []
    var bilan = BilanProtection()
    /// The tables whose cells the summary counts.
    var imprimees: Range<Int> = 0..<Int.max
    /// The tables from this index on were printed by earlier documents (``ProtectionDiffusion/protegerApres(_:connus:_:territoires:seuil:populations:imprimees:)``).
    var debutConnues = Int.max
    /// The counts those documents showed.
    var chiffresConnus: Set<ChiffrePublie> = []
    /// Reading a table of an earlier document: its cells are not published by this one.
    var lectureConnue = false
    /// Cells an earlier document showed with today's value: known to the readers, never
    /// withheld.
    var connues: Set<Int> = []
    /// Cells an earlier document showed « moins de 5 » or « masqué », still so today: what
    /// the reader knows of them (``deductibleDesConnues(_:)``).
    var bornesAnterieures: [Int: ChiffrePublie.Etat] = [:]
    /// Small cells that the known cells alone fix (``deductibleDesConnues(_:)``): they stay
    /// masked but are no longer audited.
    var dejaDeduites: Set<Int> = []
    /// Cells no longer audited: those, and, after earlier documents, counts of at least the
    /// threshold withheld here that could be recovered (``completerParSecretsSecondaires()``).
    var horsAudit: Set<Int> = []
    /// Cells the known cells alone do not fix (while ``connues`` does not grow).
    var nonDeduites: Set<Int> = []
    /// The program of ``deductibleDesConnues(_:)``, and the column of each unknown.
    var programmeDesConnues: (SolveurLineaire, [Int: Int])?

    init(populations: Populations, territoires: [String], seuil: Int) {
        self.populations = populations
        self.territoires = territoires
        self.seuil = seuil
    }

    // MARK: Cells and the relations the headers declare

    func cle(_ objet: Objet, _ debut: Jour, _ fin: Jour, territoire: String?, territorial: Bool) -> Cle {
        let p = populations[objet.base]
        var d = debut, f = fin
        switch p?.periode ?? .periode {
        case .cohorte, .periode: break
        case .fin: d = fin
        case .annee:
            d = Jour(annee: fin.annee, mois: 1, jour: 1)!
            f = Jour(annee: fin.annee, mois: 12, jour: 31)!
        }
        let t = (p?.territoire == .aucun || !territorial) ? nil : territoire
        return Cle(objet: objet, debut: d, fin: f, territoire: t)
    }

    /// The cell of a key, created when new; a value makes it published.
    mutating func cellule(_ cle: Cle, valeur: Int?) throws -> Int {
        if let i = index[cle] {
            if let valeur {
                if let connue = cellules[i].valeur, connue != valeur {
                    throw ErreurObservatoire(.erreurInterne,
                        "Le secret statistique a reçu deux effectifs différents pour « \(cle.objet.texte) » (\(cle.debut.iso) au \(cle.fin.iso)).",
                        conseil: "Les en-têtes « comptes » de deux requêtes désignent le même ensemble pour des chiffres différents : corrigez-les.")
                }
                if cellules[i].valeur == nil {
                    cellules[i].valeur = valeur
                    if !lectureConnue { cellules[i].etat = .publiee }
                }
            }
            return i
        }
        // A cell of an earlier document is not published by this one: an unknown with its true
        // value, unless that document showed it (``publier(_:_:_:_:_:_:)``).
        cellules.append(Cellule(cle: cle, valeur: valeur, etat: valeur == nil || lectureConnue ? .auxiliaire : .publiee))
        relationsDe.append([])
        index[cle] = cellules.count - 1
        return cellules.count - 1
    }

    mutating func relier(_ termes: [(Int, Int)], egalite: Bool) {
        var fusion: [Int: Int] = [:]
        for (c, a) in termes { fusion[c, default: 0] += a }
        let t = fusion.filter { $0.value != 0 }.sorted { $0.key < $1.key }.map { (cellule: $0.key, coefficient: $0.value) }
        guard !t.isEmpty else { return }
        relations.append(Relation(termes: t, egalite: egalite))
        for (c, _) in t { relationsDe[c].append(relations.count - 1) }
    }

    /// The cell of a field that adds up one or several sets.
    mutating func champ(_ ensembles: [Ensemble], _ p: Periode, _ t: String?, _ territorial: Bool, valeur: Int?) throws -> Int {
        if ensembles.count == 1 {
            return try cellule(cle(.ensemble(ensembles[0]), p.debut, p.fin, territoire: t, territorial: territorial), valeur: valeur)
        }
        let somme = try cellule(cle(.somme(ensembles.sorted()), p.debut, p.fin, territoire: t, territorial: territorial), valeur: valeur)
        if !sommesReliees.contains(somme) {
            sommesReliees.insert(somme)
            var termes = [(somme, 1)]
            for e in ensembles { termes.append((try champ([e], p, t, territorial, valeur: nil), -1)) }
            relier(termes, egalite: true)
        }
        return somme
    }

    static func entier(_ x: Double?) -> Int? { x.map { Int($0.rounded()) } }

    /// A field of a table shown as `n`: referenced for the document, or, in a table of an
    /// earlier document, known to the readers when that document showed it with this value.
    mutating func publier(_ id: Int, _ reference: Reference, _ champ: String, _ v: ValeurIndicateur, _ table: TableDiffusee, _ n: Int) {
        guard lectureConnue else {
            references[id, default: []].append(reference)
            return
        }
        var chiffre = ChiffrePublie(indicateur: v.code, champ: champ, debut: table.periode.debut, fin: table.periode.fin,
                                    territoire: table.territoire ?? "", valeur: n)
        guard cellules[id].valeur == n, !connues.contains(id) else { return }
        if chiffresConnus.contains(chiffre) {
            connues.insert(id)
            cellules[id].etat = .publiee
            bilan.dejaPublies += 1
            return
        }
        // Shown masked: the reader knows it is small, or at least the threshold, while it still
        // is. A count « masqué » stays masked (the documents agree).
        chiffre.etat = n >= 1 && n < seuil ? .petit : .secret
        guard n != 0, chiffresConnus.contains(chiffre) else { return }
        bornesAnterieures[id] = chiffre.etat
        if chiffre.etat == .secret && cellules[id].etat != .petitEffectif { cellules[id].etat = .secret }
    }

    /// A count the table holds but does not print: not published, known to the reader only
    /// through the relations (like what a part leaves out of its total), to protect when small.
    mutating func nonImprime(_ ensembles: [Ensemble], _ p: Periode, _ t: String?, _ territorial: Bool, valeur n: Int) throws {
        let connue = lectureConnue
        lectureConnue = true
        defer { lectureConnue = connue }
        let id = try champ(ensembles, p, t, territorial, valeur: n)
        if cellules[id].etat == .auxiliaire { implicites.insert(id) }
    }

    mutating func lire(_ tables: [TableDiffusee]) throws {
        for (it, table) in tables.enumerated() {
            let p = table.periode, t = table.territoire
            lectureConnue = it >= debutConnues
            for (iv, v) in table.valeurs.enumerated() where v.indicateur.secret {
                let c = v.indicateur.comptes
                let territorial = v.indicateur.territorial
                for (nom, ensembles) in c.champs.sorted(by: { $0.key < $1.key }) {
                    let x = v.chiffre(nom)
                    // « pas de données »: no row at all for the period; the reader knows that
                    // what it counts is 0.
                    guard let n = Modele.entier(x ?? (v.zerosSansDonnees.contains(nom) ? 0 : nil)) else { continue }
                    if !table.statistiquesImprimees && !["valeur", "numerateur", "denominateur", c.effectif].contains(nom) {
                        try nonImprime(ensembles, p, t, territorial, valeur: n)
                        continue
                    }
                    let id = try champ(ensembles, p, t, territorial, valeur: n)
                    publier(id, Reference(table: it, valeur: iv, champ: .champ(nom)), nom, v, table, n)
                }
                try lireComplement(v, p, t)
                for contrainte in c.contraintes {
                    // A conditional relation holds on the true counts when its set is empty:
                    // the audit takes it then (an attacker reads the empty set as a published 0,
                    // or infers it), and leaves it out otherwise.
                    if let e = contrainte.siNul {
                        let id = try champ([e], p, t, territorial, valeur: nil)
                        guard cellules[id].valeur == 0 else { continue }
                    }
                    var gauche: [Int] = [], droite: [Int] = []
                    for e in contrainte.gauche { gauche.append(try champ([e], p, t, territorial, valeur: nil)) }
                    for e in contrainte.droite { droite.append(try champ([e], p, t, territorial, valeur: nil)) }
                    relier(gauche.map { ($0, 1) } + droite.map { ($0, -1) }, egalite: contrainte.egalite)
                    // `parts = whole` is a breakdown too (not a conditional equality: requests
                    // and persons are the same number, not parts of each other).
                    if contrainte.egalite && droite.count == 1 && contrainte.siNul == nil { repartitions.append((droite[0], gauche)) }
                }
                guard let r = c.repartition, !v.repartition.isEmpty else { continue }
                switch r {
                case let .attribut(ensemble, attribut, multiple):
                    // The base of the shares is the breakdown's total: published with them.
                    let base = v.repartition.lazy.compactMap(\.base).first.flatMap { Modele.entier($0) }
                    let total = try champ([ensemble], p, t, territorial, valeur: base)
                    if let base { publier(total, Reference(table: it, valeur: iv, champ: .champ("base")), "base", v, table, base) }
                    totaux[Reference(table: it, valeur: iv, champ: .ligne(-1))] = total
                    var lignes: [Int] = []
                    var nonRenseigne: Int?
                    for (il, l) in v.repartition.enumerated() {
                        guard let n = Modele.entier(l.n) else { continue }
                        let id = try champ([ensemble.avec(attribut, l.cle)], p, t, territorial, valeur: n)
                        publier(id, Reference(table: it, valeur: iv, champ: .ligne(il)), "ligne:" + l.cle, v, table, n)
                        if multiple && l.cle == "non_renseigne" { nonRenseigne = id } else { lignes.append(id) }
                    }
                    repartitions.append((total, lignes + (nonRenseigne.map { [$0] } ?? [])))
                    if !multiple {
                        relier([(total, 1)] + lignes.map { ($0, -1) }, egalite: true)
                        partitions.insert([total] + lignes.sorted())
                    } else {
                        // A request may have several types: each type is at most the requests
                        // with a type (total − none), and all types together at least as many.
                        let aucun = nonRenseigne.map { [($0, 1)] } ?? []
                        for l in lignes { relier([(l, 1), (total, -1)] + aucun, egalite: false) }
                        // A line shown with its share of the base tells the requests without
                        // that type (« 6 sur 10 concernent la santé » : 4 ne la concernent pas),
                        // which the other lines do not add up to: a count of its own.
                        if let base {
                            for l in lignes {
                                if let n = cellules[l].valeur { try ajouterComplement(partie: l, total: total, valeur: base - n, p, t, territorial) }
                            }
                        }
                        relier([(total, 1)] + (nonRenseigne.map { [($0, -1)] } ?? []) + lignes.map { ($0, -1) }, egalite: false)
                    }
                case .mois(let ensemble):
                    let total = try champ([ensemble], p, t, territorial, valeur: nil)
                    totaux[Reference(table: it, valeur: iv, champ: .ligne(-1))] = total
                    var lignes: [Int] = []
                    for (il, l) in v.repartition.enumerated() {
                        guard let n = Modele.entier(l.n), let debutMois = Jour(iso: l.cle + "-01") else { continue }
                        let d = max(debutMois, p.debut), f = min(debutMois.finDuMois, p.fin)
                        let id = try cellule(cle(.ensemble(ensemble), d, f, territoire: t, territorial: territorial), valeur: n)
                        publier(id, Reference(table: it, valeur: iv, champ: .ligne(il)), "ligne:" + l.cle, v, table, n)
                        lignes.append(id)
                    }
                    if !(lignes.count == 1 && lignes[0] == total) {
                        relier([(total, 1)] + lignes.map { ($0, -1) }, egalite: true)
                        repartitions.append((total, lignes))
                    }
                }
            }
        }
        lectureConnue = false
    }

    /// A rate published with its numerator and denominator publishes their difference as well:
    /// « 8 — 88,9 % (8 / 9) » says that 1 proposition was refused or had no follow-up. That
    /// count is a cell of its own, `denominateur − numerateur` (when the numerator's sets are
    /// among the denominator's records), published implicitly: from 1 to the threshold − 1 it
    /// is a small count like any other, and the audit withholds the numerator or the
    /// denominator (and so the rate) until it cannot be recovered.
    mutating func lireComplement(_ v: ValeurIndicateur, _ p: Periode, _ t: String?) throws {
        let c = v.indicateur.comptes
        guard let num = c.champs["numerateur"], let den = c.champs["denominateur"],
              let n = Modele.entier(v.numerateur), let d = Modele.entier(v.denominateur), d >= n,
              num.allSatisfy({ e in den.contains { e.estInclus(dans: $0) } }) else { return }
        let territorial = v.indicateur.territorial
        let partie = try champ(num, p, t, territorial, valeur: n), total = try champ(den, p, t, territorial, valeur: d)
        try ajouterComplement(partie: partie, total: total, valeur: d - n, p, t, territorial)
    }

    /// The count `total − partie` of a part published with its total (a rate's numerator and
    /// denominator, a line of a breakdown whose lines overlap and its base): an implicit cell.
    mutating func ajouterComplement(partie: Int, total: Int, valeur: Int, _ p: Periode, _ t: String?, _ territorial: Bool) throws {
        guard partie != total else { return }
        let reste = try cellule(cle(.reste(total: cellules[total].cle.objet, partie: cellules[partie].cle.objet), p.debut, p.fin,
                                    territoire: t, territorial: territorial), valeur: valeur)
        guard !implicites.contains(reste) else { return }
        implicites.insert(reste)
        // Not a published figure of its own: it is known exactly while the numerator and the
        // denominator are, through this relation, and no longer once either is withheld. Its
        // true value stays (primary suppression and the audit need it); when small, it is a
        // count to protect (``masquerPetitsEffectifs()``).
        cellules[reste].etat = .auxiliaire
        relier([(reste, 1), (partie, 1), (total, -1)], egalite: true)
    }

    // MARK: Relations that follow from what the cells count

    mutating func deduireRelations() {
        // Subsets and yes/no complements, within one period and territory.
        var groupes: [String: [Int]] = [:]
        for i in cellules.indices {
            let k = cellules[i].cle
            guard case .ensemble = k.objet else { continue }
            groupes["\(k.objet.base)|\(k.debut.iso)|\(k.fin.iso)|\(k.territoire ?? "")", default: []].append(i)
        }
        for (_, membres) in groupes.sorted(by: { $0.key < $1.key }) {
            for a in membres {
                guard case .ensemble(let ea) = cellules[a].cle.objet else { continue }
                for b in membres where a != b {
                    guard case .ensemble(let eb) = cellules[b].cle.objet, ea.estInclus(dans: eb) else { continue }
                    // Already implied by a declared breakdown of b with a among its lines.
                    if partitions.contains(where: { $0.first == b && $0.contains(a) }) { continue }
                    relier([(a, 1), (b, -1)], egalite: false)
                }
            }
        }
        relierPeriodes()
        relierTerritoires()
    }

    /// Cohort counts of disjoint periods add up: a period published with others that overlap
    /// it is tied to the elementary intervals they cut it into.
    mutating func relierPeriodes() {
        var groupes: [String: [Int]] = [:]
        for i in cellules.indices {
            let k = cellules[i].cle
            guard populations[k.objet.base]?.periode == .cohorte else { continue }
            groupes["\(k.objet.texte)|\(k.territoire ?? "\u{1}")", default: []].append(i)
        }
        for (_, membres) in groupes.sorted(by: { $0.key < $1.key }) {
            let periodes = Array(Set(membres.map { Periode(debut: cellules[$0].cle.debut, fin: cellules[$0].cle.fin) }))
            guard periodes.count > 1 else { continue }
            let chevauchent = periodes.contains { a in periodes.contains { b in a != b && a.debut <= b.fin && b.debut <= a.fin } }
            guard chevauchent else { continue }
            let coupures = Set(periodes.flatMap { [$0.debut, $0.fin + 1] }).sorted()
            var elementaires: [Periode] = []
            for (d, f) in zip(coupures, coupures.dropFirst()) {
                let e = Periode(debut: d, fin: f - 1)
                if periodes.contains(where: { $0.debut <= e.debut && e.fin <= $0.fin }) { elementaires.append(e) }
            }
            let modele = cellules[membres[0]].cle
            for p in periodes.sorted(by: { ($0.debut, $0.fin) < ($1.debut, $1.fin) }) {
                let parties = elementaires.filter { p.debut <= $0.debut && $0.fin <= p.fin }
                guard parties.count > 1 else { continue }
                var k = modele
                k.debut = p.debut
                k.fin = p.fin
                guard let total = index[k] else { continue }
                var termes = [(total, 1)]
                for e in parties {
                    var ke = modele
                    ke.debut = e.debut
                    ke.fin = e.fin
                    if let c = try? cellule(ke, valeur: nil) { termes.append((c, -1)) }
                }
                relier(termes, egalite: true)
            }
        }
    }

    /// The whole C360 is the sum of its territories, for additive populations.
    mutating func relierTerritoires() {
        var groupes: [String: [Int]] = [:]
        for i in cellules.indices {
            let k = cellules[i].cle
            guard populations[k.objet.base]?.territoire == .additif else { continue }
            groupes["\(k.objet.texte)|\(k.debut.iso)|\(k.fin.iso)", default: []].append(i)
        }
        for (_, membres) in groupes.sorted(by: { $0.key < $1.key }) {
            guard let ensemble = membres.first(where: { cellules[$0].cle.territoire == nil }),
                  membres.contains(where: { cellules[$0].cle.territoire != nil }) else { continue }
            var noms = territoires
            for m in membres { if let t = cellules[m].cle.territoire, !noms.contains(t) { noms.append(t) } }
            var termes = [(ensemble, 1)]
            for t in noms.sorted() {
                var k = cellules[ensemble].cle
                k.territoire = t
                if let c = try? cellule(k, valeur: nil) { termes.append((c, -1)) }
            }
            relier(termes, egalite: true)
        }
    }

    // MARK: Suppression

    /// Every relation whose cells are all published holds on the true figures: a header that
    /// says something false of its counts would make the audit wrong.
    func verifierCoherence() throws {
        for r in relations {
            var somme = 0
            var connue = true
            for (x, a) in r.termes {
                guard let v = cellules[x].valeur else { connue = false; break }
                somme += a * v
            }
            if connue && (r.egalite ? somme != 0 : somme > 0) {
                let texte = r.termes.map { "\($0.coefficient > 0 ? "+" : "−")\(cellules[$0.cellule].cle.objet.texte)" }.joined(separator: " ")
                throw ErreurObservatoire(.erreurInterne, "Le secret statistique a trouvé une relation fausse entre les effectifs publiés : \(texte) \(r.egalite ? "=" : "≤") 0.",
                                         conseil: "Les en-têtes « comptes » ou « contraintes » des requêtes disent quelque chose de faux : corrigez-les.")
            }
        }
    }

    mutating func masquerPetitsEffectifs() {
        for (c, refs) in references where refs.contains(where: { if case .champ = $0.champ { return true } else { return false } }) {
            estEnTete.insert(c)
        }
        for i in cellules.indices {
            // An implicit difference is never printed, so never labelled « < 5 »:
            // the attacker only knows it is ≥ 0 (as a line withheld with a small total), and
            // it must not be recoverable.
            if let v = cellules[i].valeur, v >= 1, v < seuil, !connues.contains(i) { cellules[i].etat = implicites.contains(i) ? .insuffisant : .petitEffectif }
        }
        // The breakdown of a small total is not published (« effectif insuffisant »): its zeros,
        // and the rule that zero is never masked, would tell the attacker where the few records
        // are. The lines of a withheld line are withheld in turn.
        var change = true
        while change {
            change = false
            for (total, lignes) in repartitions where [.petitEffectif, .insuffisant].contains(cellules[total].etat) {
                for l in lignes where [.publiee, .petitEffectif].contains(cellules[l].etat) && !connues.contains(l) {
                    cellules[l].etat = .insuffisant
                    change = true
                }
            }
        }
    }

    /// Very last resort, on very few data: everything the cell is tied to is withheld
    /// (« effectif insuffisant »), itself included — what is not published at all cannot be
    /// narrowed down. Returns whether anything changed.
    mutating func retenirTout(autourDe c: Int) -> Bool {
        var fait = false
        for x in [c] + relationsDe[c].flatMap({ r in relations[r].termes.map(\.cellule) })
        where [.publiee, .petitEffectif, .secret].contains(cellules[x].etat) && cellules[x].valeur != nil && !connues.contains(x) {
            cellules[x].etat = .insuffisant
            fait = true
        }
        return fait
    }

    /// Last resort for a cell that nothing published can protect (only zeros beside it): the
    /// zeros of its relations are withheld (« effectif insuffisant »). Returns whether any was.
    mutating func retenirLesZeros(autourDe c: Int) -> Bool {
        var fait = false
        for r in relationsDe[c] where relations[r].egalite {
            for (x, _) in relations[r].termes where cellules[x].etat == .publiee && cellules[x].valeur == 0 && !connues.contains(x) {
                cellules[x].etat = .insuffisant
                fait = true
            }
        }
        return fait
    }

    /// Audits, adds a secondary suppression next to every cell that could be recovered, and
    /// audits again, until every masked cell has at least two possible values.
    mutating func completerParSecretsSecondaires() {
        var tours = 0
        // After many documents, the audit takes a while (tens of seconds on a département's
        // year of monthly dashboards): the share of counts shown protected, on a terminal.
        let aProteger = cellules.filter(\.estAProteger).count
        let progression = Progression(titre: "Secret statistique", total: aProteger)
        defer { progression.terminer() }
        while true {
            var exposees = auditer()
            progression.avancer(jusqua: aProteger - exposees.count)
            // After earlier documents, whose counts can no longer be withheld, a cell that
            // they fix on their own cannot be protected by this document: it is no longer
            // audited (a small one stays masked, and the summary counts it).
            if !connues.isEmpty {
                var restantes: [Int] = []
                for c in exposees {
                    if nonDeduites.contains(c) { restantes.append(c); continue }
                    guard deductibleDesConnues(c) else { nonDeduites.insert(c); restantes.append(c); continue }
                    if let v = cellules[c].valeur, v >= 1, v < seuil { dejaDeduites.insert(c) }
                    horsAudit.insert(c)
                }
                exposees = restantes
            }
            if ProtectionDiffusion.trace {
                FileHandle.standardError.write(Data("tour \(tours): \(exposees.count) exposées, \(cellules.filter(\.estMasquee).count) masquées\n".utf8))
                for c in exposees.prefix(5) {
                    FileHandle.standardError.write(Data("  \(cellules[c].cle.objet.texte) \(cellules[c].cle.debut.iso)…\(cellules[c].cle.fin.iso) \(cellules[c].cle.territoire ?? "C360") = \(cellules[c].valeur ?? -1) \(cellules[c].etat)\n".utf8))
                    for r in relationsDe[c].prefix(6) {
                        let t = relations[r].termes.map { "\($0.coefficient)·\(cellules[$0.cellule].cle.objet.texte)@\(cellules[$0.cellule].cle.debut.iso)/\(cellules[$0.cellule].cle.territoire ?? "C360")=\(cellules[$0.cellule].valeur.map(String.init) ?? "?")\(cellules[$0.cellule].estVariable ? "*" : "")" }
                        FileHandle.standardError.write(Data("     \(relations[r].egalite ? "=" : "≤") \(t.joined(separator: " "))\n".utf8))
                    }
                }
            }
            if exposees.isEmpty { break }
            if tours > cellules.count {
                if abandonnerLesGrands(exposees) { continue }
                bilan.nonProtegees = exposees.count
                break
            }
            tours += 1
            var touchees: Set<Int> = []
            var change = false
            // An implicit difference is exposed with its part or its total
            // most of the time: it waits until they are protected (a later round audits again).
            let ordinaires = exposees.filter { !implicites.contains($0) }
            for c in (ordinaires.isEmpty ? exposees : ordinaires) where !relationsDe[c].contains(where: { touchees.contains($0) }) {
                if let s = candidat(pour: c) {
                    if ProtectionDiffusion.trace {
                        FileHandle.standardError.write(Data("  secret ← \(cellules[s].cle.objet.texte) \(cellules[s].cle.debut.iso)…\(cellules[s].cle.fin.iso) \(cellules[s].cle.territoire ?? "C360") = \(cellules[s].valeur ?? -1), pour \(cellules[c].cle.objet.texte) \(cellules[c].cle.debut.iso) \(cellules[c].cle.territoire ?? "C360")\n".utf8))
                    }
                    cellules[s].etat = .secret
                    touchees.formUnion(relationsDe[s])
                    change = true
                } else if retenirLesZeros(autourDe: c) || retenirTout(autourDe: c) {
                    touchees.formUnion(relationsDe[c])
                    change = true
                }
            }
            if !change {
                if abandonnerLesGrands(exposees) { continue }
                bilan.nonProtegees = exposees.count
                break
            }
        }
    }

    /// After earlier documents, when nothing more can be withheld: a count of at least the
    /// threshold withheld here (a secondary suppression, or withheld with everything around a
    /// small count) gives nothing away when it can be recovered — every small count is audited
    /// over all the solutions, in which that count has its one value —, so those stop being
    /// audited and the document goes on. Alone, a document still protects them as well (its
    /// patterns stay as they were). Returns whether any was.
    mutating func abandonnerLesGrands(_ exposees: [Int]) -> Bool {
        guard !connues.isEmpty else { return false }
        let grands = exposees.filter { c in cellules[c].valeur.map { $0 == 0 || $0 >= seuil } ?? true }
        horsAudit.formUnion(grands)
        return !grands.isEmpty
    }

    /// The published count to withhold next to an exposed cell. The relations that pin it down
    /// come first: equalities in which it is the only unknown (then those with the fewest
    /// unknowns), then inequalities that are tight at the true values. In the first of them that
    /// has a published non-zero count, the candidate chosen is, in this order: a breakdown line
    /// rather than a headline figure, and a headline rather than a whole population (the number
    /// of requests), the smallest headline first; among lines, one whose other equalities already
    /// hold a masked cell (it
    /// closes a cycle of suppressions, the pattern that protects every cell of a two-way table
    /// with few suppressions); the smallest.
    func candidat(pour c: Int) -> Int? {
        func rang(_ r: Int) -> (Int, Int, Int)? {
            let rel = relations[r]
            let inconnues = rel.termes.filter { cellules[$0.cellule].estVariable }.count
            if !rel.egalite {
                // An inequality matters only when tight at the true values (all of them known).
                var somme = 0
                for (x, a) in rel.termes {
                    guard let v = cellules[x].valeur else { return nil }
                    somme += a * v
                }
                if somme != 0 { return nil }
            }
            // Among as many unknowns, a relation through an implicit difference
            // comes after the others: it restates the rate's counts, whose breakdown, when it
            // is published, has lines that cost less to withhold than the denominator.
            let viaImplicite = rel.termes.contains { $0.cellule != c && implicites.contains($0.cellule) }
            return (rel.egalite ? 0 : 1, inconnues, viaImplicite ? 1 : 0)
        }
        func cout(_ x: Int, _ r: Int) -> (Int, Int, Int) {
            let liens = relationsDe[x].filter { q in
                q != r && relations[q].egalite && relations[q].termes.contains { $0.cellule != x && cellules[$0.cellule].estMasquee }
            }.count
            // Among headline figures, the smallest first: the whole C360 is withheld last.
            let rang = rangDeLecture(x)
            return rang == 0 ? (0, -liens, cellules[x].valeur!) : (rang, cellules[x].valeur!, -liens)
        }
        func meilleur(_ r: Int) -> Int? {
            relations[r].termes.map(\.cellule)
                .filter { cellules[$0].etat == .publiee && (cellules[$0].valeur ?? 0) > 0 && !implicites.contains($0) && !connues.contains($0) }
                .min { a, b in
                    let (ca, cb) = (cout(a, r), cout(b, r))
                    return ca != cb ? ca < cb : cellules[a].cle < cellules[b].cle
                }
        }
        let classees = relationsDe[c].compactMap { r in rang(r).map { (r, $0) } }.sorted { ($0.1.0, $0.1.1, $0.1.2, $0.0) < ($1.1.0, $1.1.1, $1.1.2, $1.0) }
        for (r, _) in classees { if let x = meilleur(r) { return x } }
        // Nothing next to it: the smallest published count of any relation of its group, a
        // breakdown line before a headline and the whole activity last, as above.
        let groupe = composante(de: c)
        return Set(groupe.flatMap { relationsDe[$0] }).sorted().compactMap(meilleur)
            .min { (rangDeLecture($0), cellules[$0].valeur!, cellules[$0].cle) < (rangDeLecture($1), cellules[$1].valeur!, cellules[$1].cle) }
    }

    /// How much readers lose when a cell is withheld: a breakdown line (0), a headline figure
    /// (1), the whole activity — all the requests, all the propositions (the populations
    /// counted by cohort) — (2), which every breakdown shares.
    func rangDeLecture(_ x: Int) -> Int {
        guard estEnTete.contains(x) else { return 0 }
        if case .ensemble(let e) = cellules[x].cle.objet, e.filtres.isEmpty, populations[e.base]?.periode == .cohorte { return 2 }
        return 1
    }

    /// The unknown cells tied to `c` through relations.
    func composante(de c: Int) -> [Int] {
        var vus: Set<Int> = [c]
        var pile = [c]
        while let x = pile.popLast() {
            for r in relationsDe[x] {
                for (y, _) in relations[r].termes where cellules[y].estVariable && !vus.contains(y) {
                    vus.insert(y)
                    pile.append(y)
                }
            }
        }
        return vus.sorted()
    }

    /// The masked cells that can be recovered (only one whole value fits what is published).
    mutating func auditer() -> [Int] {
        var exposees: [Int] = []
        var faites: Set<Int> = []
        for c in cellules.indices where cellules[c].estAProteger && !protegees.contains(c) && !horsAudit.contains(c) && !faites.contains(c) {
            let groupe = composante(de: c)
            faites.formUnion(groupe)
            exposees += auditer(groupe)
        }
        return exposees.sorted()
    }

    mutating func auditer(_ groupe: [Int]) -> [Int] {
        var colonne: [Int: Int] = [:]
        var p = ProgrammeLineaire()
        for c in groupe {
            switch cellules[c].etat {
            case .petitEffectif: colonne[c] = p.variable(bas: 1, haut: Double(seuil - 1))
            // A secondary suppression is always a count that is not small: at least the threshold.
            case .secret: colonne[c] = p.variable(bas: Double(seuil), haut: nil)
            default: colonne[c] = p.variable(bas: 0, haut: nil)
            }
        }
        for r in Set(groupe.flatMap { relationsDe[$0] }).sorted() { ajouter(r, a: &p, colonnes: colonne) }
        let solveur = SolveurLineaire(p)
        var exposees: [Int] = []
        let masquees = groupe.filter { cellules[$0].estAProteger }
        for c in masquees where !protegees.contains(c) && !horsAudit.contains(c) {
            guard let point = Modele.autreValeur(solveur, colonne[c]!, Double(cellules[c].valeur!)) else {
                exposees.append(c)
                continue
            }
            // The same point shows every other masked cell it moves.
            for d in masquees where abs(point[colonne[d]!] - Double(cellules[d].valeur!)) >= 0.5 { protegees.insert(d) }
            protegees.insert(c)
        }
        return exposees
    }

    /// Adds relation `r` to the program: the cells that have a column are its unknowns, the
    /// others constants (their true values).
    func ajouter(_ r: Int, a p: inout ProgrammeLineaire, colonnes colonne: [Int: Int]) {
        var constante = 0
        var termes: [(Int, Double)] = []
        for (x, a) in relations[r].termes {
            if let j = colonne[x] { termes.append((j, Double(a))) } else { constante += a * (cellules[x].valeur ?? 0) }
        }
        guard !termes.isEmpty else { return }
        if relations[r].egalite { p.ligne(termes, egalA: Double(-constante)) } else { p.ligne(termes, auPlus: Double(-constante)) }
    }

    /// A whole-number solution of the program in which column `j` is not `v` (above it, else
    /// below it), or nil when `v` is its only value.
    static func autreValeur(_ solveur: SolveurLineaire, _ j: Int, _ v: Double) -> [Double]? {
        let (b, h) = solveur.bornes(j)
        for haut in [true, false] {
            let nb = haut ? v + 1 : b, nh = haut ? h : v - 1
            if let nb, let nh, nb > nh { continue }
            solveur.fixerBornes(j, nb, nh)
            let r = solveur.pointEntier()
            solveur.fixerBornes(j, b, h)
            if case .oui(let point) = r { return point }
        }
        return nil
    }

    /// Whether what earlier documents showed fixes `c` on their own: the cells they showed
    /// (constants), the bounds of those they masked (« moins de 5 »: 1 to the threshold − 1;
    /// « masqué »: at least the threshold), every other cell an unknown whole number ≥ 0 — no
    /// more than a reader of those documents knows, so a cell found fixed is surely fixed.
    ///
    /// The known cells do not change during a protection: one program is built once and
    /// serves every cell asked about.
    mutating func deductibleDesConnues(_ c: Int) -> Bool {
        guard let v = cellules[c].valeur.map(Double.init) else { return false }
        if programmeDesConnues == nil {
            var colonne: [Int: Int] = [:]
            var p = ProgrammeLineaire()
            for x in cellules.indices where !connues.contains(x) && !relationsDe[x].isEmpty {
                switch bornesAnterieures[x] {
                case .petit?: colonne[x] = p.variable(bas: 1, haut: Double(seuil - 1))
                case .secret?: colonne[x] = p.variable(bas: Double(seuil), haut: nil)
                default: colonne[x] = p.variable(bas: 0, haut: nil)
                }
            }
            for r in relations.indices { ajouter(r, a: &p, colonnes: colonne) }
            programmeDesConnues = (SolveurLineaire(p), colonne)
        }
        let (solveur, colonne) = programmeDesConnues!
        guard let j = colonne[c] else { return false }
        return Modele.autreValeur(solveur, j, v) == nil
    }

    // MARK: Back to the tables

    func retenue(_ c: Int) -> Retenue? {
        switch cellules[c].etat {
        case .petitEffectif: return .petitEffectif
        case .secret: return .secret
        case .insuffisant: return .effectifInsuffisant
        default: return nil
        }
    }

    mutating func appliquer(_ entree: [TableDiffusee]) -> (tables: [TableDiffusee], bilan: BilanProtection) {
        var tables = entree
        let comptees = references.filter { $0.value.contains { imprimees.contains($0.table) } }.map(\.key)
        bilan.cellules = comptees.count
        bilan.petitsEffectifs = comptees.filter { cellules[$0].etat == .petitEffectif }.count
        bilan.secrets = comptees.filter { cellules[$0].etat == .secret }.count
        bilan.figuresRetenues = comptees.filter { cellules[$0].etat == .insuffisant }.count
        bilan.dejaDeductibles = comptees.filter { dejaDeduites.contains($0) }.count
        for (c, refs) in references {
            guard let r = retenue(c) else { continue }
            for ref in refs {
                var v = tables[ref.table].valeurs[ref.valeur]
                switch ref.champ {
                case .champ("valeur"): v.valeur = nil; v.valeurRetenue = r
                case .champ("numerateur"): v.numerateur = nil; v.numerateurRetenu = r
                case .champ("denominateur"): v.denominateur = nil; v.denominateurRetenu = r
                case .champ(let nom):
                    if let i = v.statistiques.firstIndex(where: { $0.nom == nom }) {
                        v.statistiques[i].valeur = nil
                        v.statistiques[i].retenue = r
                    }
                case .ligne(let i):
                    v.repartition[i].n = nil
                    v.repartition[i].retenue = r
                }
                tables[ref.table].valeurs[ref.valeur] = v
            }
        }
        let exposees = statistiquesExposees(tables)
        for it in tables.indices {
            let table = tables[it]
            let avant = bilan.figuresRetenues
            for iv in table.valeurs.indices where table.valeurs[iv].indicateur.secret {
                var v = tables[it].valeurs[iv]
                retenirFiguresDerivees(&v, total: totaux[Reference(table: it, valeur: iv, champ: .ligne(-1))], table: table,
                                       statistiquesExposees: exposees.contains([it, iv]))
                tables[it].valeurs[iv] = v
            }
            if !imprimees.contains(it) { bilan.figuresRetenues = avant }
        }
        return (tables, bilan)
    }

    /// The counts the printed tables show once protected, for the registry of publications:
    /// each field as the tables give it (a count withheld later, with a figure it rests on,
    /// is not shown).
    func chiffresPublies(_ tables: [TableDiffusee]) -> [ChiffrePublie] {
        var chiffres: Set<ChiffrePublie> = []
        for (c, refs) in references {
            let etat: ChiffrePublie.Etat
            switch cellules[c].etat {
            case .publiee: etat = .publie
            case .petitEffectif: etat = .petit
            case .secret: etat = .secret
            default: continue
            }
            guard let n = cellules[c].valeur else { continue }
            for ref in refs where imprimees.contains(ref.table) && ref.table < tables.count {
                let table = tables[ref.table], v = table.valeurs[ref.valeur]
                let champ: String
                switch ref.champ {
                case .champ(let nom): champ = nom
                case .ligne(let i):
                    guard i >= 0, i < v.repartition.count else { continue }
                    champ = "ligne:" + v.repartition[i].cle
                }
                // A value shown as a figure (or « pas de données »: 0), or masked as it is.
                let montre = etat == .publie
                    ? v.chiffre(champ) != nil || v.zerosSansDonnees.contains(champ)
                    : v.retenue(champ) == (etat == .petit ? .petitEffectif : .secret)
                guard montre else { continue }
                chiffres.insert(ChiffrePublie(indicateur: v.code, champ: champ, debut: table.periode.debut, fin: table.periode.fin,
                                              territoire: table.territoire ?? "", etat: etat, valeur: n))
            }
        }
        return chiffres.sorted { ($0.debut, $0.fin, $0.territoire, $0.indicateur, $0.champ) < ($1.debut, $1.fin, $1.territoire, $1.indicateur, $1.champ) }
    }

    /// Rates, shares, means and ratios that rest on a withheld count, or on too few requests.
    mutating func retenirFiguresDerivees(_ v: inout ValeurIndicateur, total: Int?, table: TableDiffusee, statistiquesExposees: Bool) {
        let c = v.indicateur.comptes
        func pourBase(_ r: Retenue?) -> Retenue { r == .petitEffectif ? .effectifInsuffisant : .secret }
        // The rate of the indicator.
        if v.numerateurRetenu != nil || v.denominateurRetenu != nil {
            if v.taux != nil { bilan.figuresRetenues += 1 }
            v.taux = nil
            v.tauxRetenu = v.denominateurRetenu == .petitEffectif ? .effectifInsuffisant : .secret
        }
        // Shares of the breakdown.
        let totalRetenu = total.flatMap { retenue($0) }
        for i in v.repartition.indices where v.repartition[i].retenue != nil || totalRetenu != nil {
            if v.repartition[i].taux != nil { bilan.figuresRetenues += 1 }
            v.repartition[i].taux = nil
            v.repartition[i].tauxRetenu = totalRetenu != nil ? pourBase(totalRetenu) : .secret
            // The base of the shares is the withheld total.
            if totalRetenu != nil { v.repartition[i].base = nil }
        }
        if let r = totalRetenu, !v.repartition.isEmpty {
            v.totalRepartitionRetenu = r
        }
        // Figures computed over the requests of `effectif` — or over the records a mean rests
        // on, when fewer (undated propositions) — withheld below the threshold.
        let celluleEffectif = c.effectif.flatMap { f in c.champs[f].flatMap { celluleDuChamp($0, table, v) } }
        let effectifPublie = celluleEffectif.flatMap { cellules[$0].valeur }
        let effectifs = [effectifPublie, v.indicateur.unite == .nombre ? nil : v.effectifDeLaValeur].compactMap { $0 }
        if let n = effectifs.min(), n >= 1, n < seuil {
            retenirFiguresNonEntieres(&v)
        }
        // The same figures when a breakdown of those records has a withheld line, in this
        // table or in one that adds up with it (``statistiquesExposees(_:)``).
        if statistiquesExposees {
            retenirFiguresNonEntieres(&v)
        }
        // Ratios of counts: withheld with any of their counts.
        for (nom, (num, den)) in c.rapports {
            guard let i = v.statistiques.firstIndex(where: { $0.nom == nom }), v.statistiques[i].valeur != nil else { continue }
            let cellulesNum = num.map { celluleDuChamp([$0], table, v) }, cellulesDen = den.map { celluleDuChamp([$0], table, v) }
            let toutes = cellulesNum + cellulesDen
            if toutes.contains(where: { $0 == nil || retenue($0!) != nil }) {
                v.statistiques[i].valeur = nil
                let petit = cellulesDen.contains { $0.map { retenue($0) == .petitEffectif } ?? false }
                v.statistiques[i].retenue = petit ? .effectifInsuffisant : .secret
                bilan.figuresRetenues += 1
            }
        }
        // A target is not judged on a withheld figure.
        if (v.aUnTaux ? v.tauxRetenu : v.valeurRetenue) != nil { v.atteinte = nil }
    }

    /// The values (table, value) whose figures that are not counts — the mean, median and
    /// percentiles of the records of `effectif`, 1.7's delays — must be withheld because a
    /// breakdown of those records (x.delais, its delay bands) has a withheld line, in their
    /// table or in a table that adds up with theirs.
    ///
    /// In the same table, the median and the 90th percentile are whole numbers of days that
    /// fix in which band a given rank falls, and the mean bounds the sum of the delays: with
    /// n = 7 and a median of 6 days, at least 4 delays are of 0 to 7 days, so a « < 5 » band of
    /// 0 to 7 days holds exactly 4. Across tables the same reasoning adds
    /// up: a territory's median says how many of its delays are at most so many days, and the
    /// territories add up to the C360 (a territory of 7 delays with a median of 4 days puts at
    /// least 4 delays in the C360's 0–7 band, « < 5 »: 4); the months add up to the period, and
    /// a mean times its n is a sum of delays that adds up too. The linear audit does not model
    /// order statistics or sums of delays: the figures are withheld instead, in every table
    /// tied to the masked band — same records (population of `effectif`), overlapping periods,
    /// and the same territory or a territory and the whole C360.
    func statistiquesExposees(_ tables: [TableDiffusee]) -> Set<[Int]> {
        struct Membre { var table: Int, valeur: Int, territoire: String?, periode: Periode, touche: Bool }
        var parIndicateur: [String: [Membre]] = [:]
        var population: [String: Populations.Population] = [:]
        for (it, table) in tables.enumerated() {
            for (iv, v) in table.valeurs.enumerated() where v.indicateur.secret {
                let c = v.indicateur.comptes
                guard let f = c.effectif, let ensembles = c.champs[f] else { continue }
                var touche = false
                if let e = celluleDuChamp(ensembles, table, v) {
                    touche = repartitions.contains { $0.total == e && $0.lignes.contains { retenue($0) != nil } }
                }
                parIndicateur[v.code, default: []].append(Membre(table: it, valeur: iv, territoire: v.indicateur.territorial ? table.territoire : nil,
                                                                 periode: table.periode, touche: touche))
                if let p = populations[ensembles[0].base] { population[v.code] = p }
            }
        }
        var exposees: Set<[Int]> = []
        for (code, membres) in parIndicateur.sorted(by: { $0.key < $1.key }) where membres.contains(where: \.touche) {
            let p = population[code]
            // Two tables are tied when their records can add up: overlapping periods (counted by
            // cohort, or the same period), and the same territory or one of them the whole C360
            // (territories that add up).
            func lies(_ a: Membre, _ b: Membre) -> Bool {
                guard a.periode.debut <= b.periode.fin, b.periode.debut <= a.periode.fin else { return false }
                guard a.periode == b.periode || p?.periode == .cohorte else { return false }
                if a.territoire == b.territoire { return true }
                return p?.territoire == .additif && (a.territoire == nil || b.territoire == nil)
            }
            var composante = Array(membres.indices)
            func racine(_ i: Int) -> Int { var i = i; while composante[i] != i { i = composante[i] }; return i }
            for i in membres.indices {
                for j in membres.indices where j > i && lies(membres[i], membres[j]) { composante[racine(j)] = racine(i) }
            }
            let touchees = Set(membres.indices.filter { membres[$0].touche }.map(racine))
            for i in membres.indices where touchees.contains(racine(i)) { exposees.insert([membres[i].table, membres[i].valeur]) }
        }
        return exposees
    }

    /// Withholds the figures of `v` that are not counts (its mean as the value, the mean,
    /// median and percentiles among its statistics) as « effectif insuffisant ».
    mutating func retenirFiguresNonEntieres(_ v: inout ValeurIndicateur) {
        let comptes = Set(v.indicateur.comptes.champs.keys)
        for i in v.statistiques.indices where !comptes.contains(v.statistiques[i].nom) && v.statistiques[i].valeur != nil {
            v.statistiques[i].valeur = nil
            v.statistiques[i].retenue = .effectifInsuffisant
            bilan.figuresRetenues += 1
        }
        if v.indicateur.unite != .nombre && v.valeur != nil {
            v.valeur = nil
            v.valeurRetenue = .effectifInsuffisant
            bilan.figuresRetenues += 1
        }
    }

    /// The cell of a field of `v` in its table (nil when it was not published).
    func celluleDuChamp(_ ensembles: [Ensemble], _ table: TableDiffusee, _ v: ValeurIndicateur) -> Int? {
        let objet: Objet = ensembles.count == 1 ? .ensemble(ensembles[0]) : .somme(ensembles.sorted())
        let k = cle(objet, table.periode.debut, table.periode.fin, territoire: table.territoire, territorial: v.indicateur.territorial)
        guard let i = index[k], cellules[i].valeur != nil else { return nil }
        return i
    }

}
