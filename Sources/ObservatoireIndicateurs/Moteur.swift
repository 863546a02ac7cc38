import Foundation
import GRDB
import ObservatoireCore
import ObservatoireStore

/// The compute stage: runs the SQL files of `Queries/` for a period and a territory, and
/// builds the indicator values (rates, breakdowns, statistics, targets).
///
/// ```swift
/// let moteur = Moteur(base: base, configuration: espace.configuration)
/// let tableau = try moteur.tableau(Periode.annee(2025), diffusion: .externe)
/// tableau["1.7"]?.valeur       // mean delay, one decimal
/// tableau.precedent("1.7")     // the same for 2024
/// ```
public final class Moteur {
    public let base: Base
    public let configuration: ObservatoireCore.Configuration
    public let indicateurs: [Indicateur]
    private var preparees: [String: [Statement]] = [:]
    /// Every territory found in the requests (the `:territoires` of a whole-C360 run).
    private var tousLesTerritoires: String?
    /// Read-only engines on their own connections, for parallel work.
    private var auxiliaires: [Moteur] = []

    public init(base: Base, configuration: ObservatoireCore.Configuration, indicateurs: [Indicateur] = Requetes.integrees) {
        self.base = base
        self.configuration = configuration
        self.indicateurs = indicateurs
    }

    /// The raw figures (every value shown, as in `interne` diffusion). Without `repartitions`,
    /// only the headline of each indicator is computed (enough for an N-1 column).
    public func calculer(_ periode: Periode, territoire: String? = nil, codes: Set<String>? = nil,
                         repartitions: Bool = true) throws -> [ValeurIndicateur] {
        try base.file.read { db in
            try indicateurs.filter { codes?.contains($0.code) ?? true }.map { try calculer($0, periode, territoire, db, repartitions: repartitions) }
        }
    }

    /// A rough cost of each query (grouping, joining, windows), computed once, to schedule the
    /// expensive ones first.
    static let poids: [String: Int] = Dictionary(uniqueKeysWithValues: Requetes.integrees.map { i in
        (i.fichier, (i.sql.contains("GROUP BY") ? 2 : 0) + (i.sql.contains("JOIN") || i.sql.contains("OVER (ORDER") ? 1 : 0))
    })

    /// Several computations at once, spread over the machine's cores, each worker with its own
    /// read-only connection. The work is shared query by query (a worker takes the next
    /// indicator of any request as soon as it is free), so that the cores stay busy to the end.
    /// Results come back in the order asked.
    public func calculerPlusieurs(_ demandes: [(periode: Periode, territoire: String?, codes: Set<String>?)],
                                  repartitions: [Bool]? = nil) throws -> [[ValeurIndicateur]] {
        let listes = demandes.map { d in indicateurs.filter { d.codes?.contains($0.code) ?? true } }
        var taches: [(demande: Int, position: Int)] = []
        for (d, l) in listes.enumerated() { for k in l.indices { taches.append((d, k)) } }
        // The queries that group or join first, the simple counts last: the last tasks are short.
        let poids = taches.map { t in Moteur.poids[listes[t.demande][t.position].fichier] ?? 0 }
        taches = taches.indices.sorted { poids[$0] > poids[$1] }.map { taches[$0] }
        let travailleurs = min(taches.count, max(1, min(4, ProcessInfo.processInfo.activeProcessorCount)))
        if travailleurs > 1 {
            while auxiliaires.count < travailleurs - 1 {
                let m = Moteur(base: try Base.ouvrir(base.url, creer: false, lectureSeule: true),
                               configuration: configuration, indicateurs: indicateurs)
                m.tousLesTerritoires = tousLesTerritoires
                m.memoire = memoire
                auxiliaires.append(m)
            }
        }
        let moteurs = [self] + auxiliaires.prefix(max(0, travailleurs - 1))
        let resultats = ResultatsTaches(listes.map(\.count))
        DispatchQueue.concurrentPerform(iterations: max(1, travailleurs)) { t in
            let moteur = moteurs[t]
            do {
                try moteur.base.file.read { db in
                    while let n = resultats.prochaine(taches.count) {
                        let (d, k) = taches[n]
                        let v = try moteur.calculer(listes[d][k], demandes[d].periode, demandes[d].territoire, db,
                                                    repartitions: repartitions?[d] ?? true)
                        resultats.fixer(d, k, v)
                    }
                }
            } catch {
                resultats.echouer(error)
            }
        }
        return try resultats.tous()
    }

    /// The indicator table of a period, with the previous period (N-1), in the given diffusion:
    /// `externe` protects both together (``ProtectionDiffusion``).
    /// `repartitionsPrecedentes: false` computes only the headlines of N-1 (the indicator
    /// table shows N-1 values and rates, not their breakdowns): almost halves its cost.
    public func tableau(_ periode: Periode, territoire: String? = nil, diffusion: Diffusion,
                        extraction: Date = Date(), repartitionsPrecedentes: Bool = true) throws -> TableauIndicateurs {
        let deux = try calculerPlusieurs([(periode, territoire, nil), (periode.anneePrecedente, territoire, nil)],
                                         repartitions: [true, repartitionsPrecedentes])
        return try assembler(periode, territoire: territoire, diffusion: diffusion, extraction: extraction,
                             courant: deux[0], precedent: deux[1])
    }

    /// The table from figures already computed (with `calculerPlusieurs`, alongside other work).
    /// `protegeesAvec`: the figures were already protected within a wider diffusion (a report,
    /// a dashboard), whose summary this is; otherwise an `externe` table is protected here.
    public func assembler(_ periode: Periode, territoire: String? = nil, diffusion: Diffusion, extraction: Date,
                          courant: [ValeurIndicateur], precedent: [ValeurIndicateur],
                          protegeesAvec bilanLarge: BilanProtection? = nil) throws -> TableauIndicateurs {
        var t = TableauIndicateurs(periode: periode, territoire: territoire, diffusion: diffusion, extraction: extraction,
                                   seuil: configuration.seuilPetitsEffectifs, indicateurs: courant, precedent: precedent,
                                   protection: bilanLarge)
        if diffusion == .externe && bilanLarge == nil {
            let (tables, bilan) = try proteger([TableDiffusee(periode: periode, territoire: territoire, valeurs: courant),
                                                TableDiffusee(periode: periode.anneePrecedente, territoire: territoire, valeurs: precedent)],
                                               document: "indicateurs \(periode.libelle)\(territoire.map { ", " + $0 } ?? "")")
            t.indicateurs = tables[0].valeurs
            t.precedent = tables[1].valeurs
            t.protection = bilan
        }
        return t
    }

    /// Protects tables published together (a report, a dashboard) with the small-count rule of
    /// the configuration; the whole C360 is the sum of every territory of the base (or of the
    /// configuration).
    /// A diffusion that cannot be protected (data so few that a masked count stays deducible
    /// whatever is withheld) is refused: nothing is written (exit code 73).
    ///
    /// The tables are protected **after the external documents published before** (the
    /// registry of publications, ``RegistreDesPublications``): the counts those documents
    /// showed over the same periods, still true today, are known to the readers. Then the
    /// counts `imprimees` shows join the registry, under the name `document`.
    public func proteger(_ tables: [TableDiffusee], imprimees: Range<Int>? = nil,
                         document: String) throws -> ([TableDiffusee], BilanProtection) {
        let seuil = configuration.seuilPetitsEffectifs
        let t0 = Date()
        let connus = try chiffresDejaPublies(couvrant: tables)
        let anterieures = try tablesDejaPubliees(connus, courantes: tables)
        let t1 = Date()
        let protection = try ProtectionDiffusion.protegerApres(anterieures, connus: Set(connus), tables,
                                                               territoires: try tousLesTerritoiresConnus(),
                                                               seuil: seuil, imprimees: imprimees)
        if ProtectionDiffusion.trace {
            FileHandle.standardError.write(Data("registre : \(connus.count) chiffres, \(anterieures.count) tableaux antérieurs en \(t1.timeIntervalSince(t0)) s ; protection de \(tables.count) tableaux en \(Date().timeIntervalSince(t1)) s\n".utf8))
        }
        let bilan = protection.bilan
        guard bilan.nonProtegees == 0 else {
            throw ErreurObservatoire(.ecritureImpossible,
                "La diffusion externe n'est pas écrite : \(bilan.nonProtegees) effectif(s) masqué(s) resteraient déductibles des autres chiffres\(bilan.dejaPublies > 0 ? " (ceux de ce document et ceux des documents externes déjà publiés)" : ""), les données de la période étant trop peu nombreuses.",
                conseil: "Choisissez une période plus longue (l'année plutôt que le mois) ou toute la C360 plutôt qu'un territoire, ou gardez ce document en diffusion interne.")
        }
        // Registered before any file is written: a document made but never sent only costs
        // masked cells later, never a leak.
        try base.file.write { db in try RegistreDesPublications.inscrire(db, protection.publies, document: document) }
        return (protection.tables, bilan)
    }

    /// The counts already published over the periods of `tables` (the registry).
    func chiffresDejaPublies(couvrant tables: [TableDiffusee]) throws -> [ChiffrePublie] {
        guard let debut = tables.map(\.periode.debut).min(), let fin = tables.map(\.periode.fin).max() else { return [] }
        return try base.file.read { db in try RegistreDesPublications.lire(db, de: debut, a: fin) }
    }

    /// The tables that earlier documents printed, from today's data: the indicators of the
    /// registry's counts, for each of their periods and territories. A table the new diffusion
    /// holds already (same period and territory, every registered figure present) is taken
    /// from it rather than computed again.
    func tablesDejaPubliees(_ connus: [ChiffrePublie], courantes: [TableDiffusee]) throws -> [TableDiffusee] {
        struct Groupe: Hashable { var debut: Jour, fin: Jour, territoire: String }
        var groupes: [Groupe: [ChiffrePublie]] = [:]
        for c in connus { groupes[Groupe(debut: c.debut, fin: c.fin, territoire: c.territoire), default: []].append(c) }
        var tables: [TableDiffusee] = []
        var demandes: [(periode: Periode, territoire: String?, codes: Set<String>?)] = []
        var repartitions: [Bool] = []
        for (g, chiffres) in groupes.sorted(by: { ($0.key.debut, $0.key.fin, $0.key.territoire) < ($1.key.debut, $1.key.fin, $1.key.territoire) }) {
            let periode = Periode(debut: g.debut, fin: g.fin), territoire = g.territoire.isEmpty ? nil : g.territoire
            let codes = Set(chiffres.map(\.indicateur))
            if let t = courantes.first(where: { $0.periode == periode && $0.territoire == territoire }),
               chiffres.allSatisfy({ c in t.valeurs.first { $0.code == c.indicateur }?.chiffre(c.champ) != nil }) {
                tables.append(TableDiffusee(periode: periode, territoire: territoire, valeurs: t.valeurs.filter { codes.contains($0.code) }))
            } else {
                demandes.append((periode, territoire, codes))
                repartitions.append(chiffres.contains { $0.champ == "base" || $0.champ.hasPrefix("ligne:") })
            }
        }
        let calculees = try calculerPlusieurs(demandes, repartitions: repartitions)
        for (d, valeurs) in zip(demandes, calculees) { tables.append(TableDiffusee(periode: d.periode, territoire: d.territoire, valeurs: valeurs)) }
        return tables
    }

    /// The territories to show: those of the configuration, or, when it lists none, those
    /// found in the requests of the period.
    public func territoires(_ periode: Periode) throws -> [String] {
        if !configuration.territoires.isEmpty { return configuration.territoires }
        return try base.file.read { db in
            try String.fetchAll(db, sql: """
                SELECT DISTINCT territoire FROM sollicitations
                WHERE date_sollicitation BETWEEN ? AND ? ORDER BY territoire
                """, arguments: [periode.debut.iso, periode.fin.iso])
        }
    }

    /// Every territory known: those of the configuration, and those of the requests of any
    /// period (a territory with no request in a period still has its zeros).
    public func tousLesTerritoiresConnus() throws -> [String] {
        let base = try self.base.file.read { db in try self.listeDesTerritoires(db) }
        return Array(Set(configuration.territoires + base)).sorted()
    }

    /// Results filled by concurrent workers, and the next task to take.
    private final class ResultatsTaches: @unchecked Sendable {
        private var valeurs: [[ValeurIndicateur?]]
        private var erreur: Error?
        private var suivante = 0
        private let verrou = NSLock()

        init(_ tailles: [Int]) { valeurs = tailles.map { Array(repeating: nil, count: $0) } }

        /// The index of the next task, or nil when all are taken (or one failed).
        func prochaine(_ total: Int) -> Int? {
            verrou.lock(); defer { verrou.unlock() }
            guard erreur == nil, suivante < total else { return nil }
            suivante += 1
            return suivante - 1
        }

        func fixer(_ d: Int, _ k: Int, _ v: ValeurIndicateur) {
            verrou.lock(); defer { verrou.unlock() }
            valeurs[d][k] = v
        }

        func echouer(_ e: Error) {
            verrou.lock(); defer { verrou.unlock() }
            if erreur == nil { erreur = e }
        }

        func tous() throws -> [[ValeurIndicateur]] {
            if let erreur { throw erreur }
            return valeurs.map { $0.map { $0! } }
        }
    }

    // MARK: - One indicator

    private func instructions(_ i: Indicateur, _ db: Database) throws -> [Statement] {
        if let s = preparees[i.fichier] { return s }
        var liste: [Statement] = []
        let curseur = try db.allStatements(sql: i.sql)
        while let s = try curseur.next() { liste.append(s) }
        guard !liste.isEmpty, liste.count <= 2 else {
            throw ErreurObservatoire(.erreurInterne, "La requête « \(i.fichier) » doit contenir une ou deux instructions SELECT.",
                                     conseil: "Voir Queries/README.md.")
        }
        preparees[i.fichier] = liste
        return liste
    }

    /// The `:territoires` parameter: one territory, or all those of the database.
    private func territoires(_ territoire: String?, _ db: Database) throws -> String {
        func json(_ liste: [String]) -> String { ObservatoireCore.JSON.tableau(liste.map { .texte($0) }).texteCompact }
        if let territoire { return json([territoire]) }
        if let t = tousLesTerritoires { return t }
        let t = json(try listeDesTerritoires(db))
        tousLesTerritoires = t
        return t
    }

    /// The distinct territories of the requests, by walking the primary key (territory first),
    /// one seek per territory, rather than a scan of every request (measured: 130 ms on a million).
    private func listeDesTerritoires(_ db: Database) throws -> [String] {
        try String.fetchAll(db, sql: """
            WITH RECURSIVE t(territoire) AS (
                SELECT min(territoire) FROM sollicitations
                UNION ALL
                SELECT (SELECT min(territoire) FROM sollicitations WHERE territoire > t.territoire) FROM t
                WHERE t.territoire IS NOT NULL
            )
            SELECT territoire FROM t WHERE territoire IS NOT NULL
            """)
    }

    /// `C360_TRACE_REQUETES=1` prints the time of every query on standard error (performance work).
    static let trace = ProcessInfo.processInfo.environment["C360_TRACE_REQUETES"] == "1"

    private func calculer(_ i: Indicateur, _ p: Periode, _ territoire: String?, _ db: Database, repartitions: Bool = true) throws -> ValeurIndicateur {
        let debut = Moteur.trace ? Date() : nil
        defer {
            if let debut {
                FileHandle.standardError.write(Data(String(format: "%7.1f ms  %@  %@\n", Date().timeIntervalSince(debut) * 1000, i.fichier, p.description).utf8))
            }
        }
        let typologie = ObservatoireCore.JSON.tableau(configuration.typologie.map { .texte($0) }).texteCompact
        let arguments: StatementArguments = [
            "debut": p.debut.iso, "fin": p.fin.iso,
            "territoires": try territoires(i.territorial ? territoire : nil, db),
            "typologie": typologie,
        ]
        let instructions = try self.instructions(i, db)
        var v = ValeurIndicateur(indicateur: i)
        let decimales = i.unite == .etp ? 2 : 1

        // First statement: the headline row.
        guard let ligne = try Row.fetchOne(instructions[0], arguments: arguments) else {
            throw ErreurObservatoire(.erreurInterne, "La requête « \(i.fichier) » ne rend aucune ligne.", conseil: "Voir Queries/README.md.")
        }
        // `X_num` and `X_den` (whole numbers) give X = X_num / X_den, rounded exactly.
        var fractions: [String: (num: Int64?, den: Int64?)] = [:]
        for (colonne, valeur) in ligne {
            if colonne.hasSuffix("_num") || colonne.hasSuffix("_den") {
                let nom = String(colonne.dropLast(4))
                let n = Int64.fromDatabaseValue(valeur)
                if colonne.hasSuffix("_num") { fractions[nom, default: (nil, nil)].num = n } else { fractions[nom, default: (nil, nil)].den = n }
                continue
            }
            let x = Double.fromDatabaseValue(valeur)
            switch colonne {
            case "valeur": v.valeur = x.map { FormatFrancais.arrondi($0, decimales) }
            case "numerateur": v.numerateur = x
            case "denominateur": v.denominateur = x ?? 0
            default:
                let arrondie = x.map { $0 == $0.rounded() ? $0 : FormatFrancais.arrondi($0, decimales) }
                v.statistiques.append(Statistique(nom: colonne, valeur: arrondie))
            }
        }
        for (nom, f) in fractions.sorted(by: { $0.key < $1.key }) {
            let x = f.num.flatMap { n in f.den.flatMap { d in FormatFrancais.quotient(n, d, decimales: decimales) } }
            if nom == "valeur" {
                v.valeur = x
                v.effectifDeLaValeur = f.den.map { Int($0) }
            } else {
                v.statistiques.append(Statistique(nom: nom, valeur: x))
            }
        }
        if let d = v.denominateur {
            v.taux = Moteur.taux(v.numerateur ?? 0, sur: d)
        }

        // Second statement: the breakdown.
        if instructions.count > 1 && repartitions {
            var lignes: [LigneRepartition] = []
            for r in try Row.fetchAll(instructions[1], arguments: arguments) {
                let cle: String = r["cle"] ?? "non_renseigne"
                let n = Double.fromDatabaseValue(r["n"]) ?? 0
                let base = Double.fromDatabaseValue(r["base"])
                lignes.append(LigneRepartition(cle: cle, n: n, taux: base.flatMap { Moteur.taux(n, sur: $0) }, base: base))
            }
            v.repartition = Moteur.completer(lignes, cles: i.cles)
        }

        // Nothing to show when the sources hold no data up to the end of the period, or do not
        // collect what the indicator needs: a status, never a false zero.
        let etat = try etatDesEntrees(i, p, territoire, arguments, db)
        if etat != .collectees {
            v.sansDonnees = etat == .sansDonnees
            if v.sansDonnees {
                let zeros = [("valeur", v.valeur), ("numerateur", v.numerateur), ("denominateur", v.denominateur)] + v.statistiques.map { ($0.nom, $0.valeur) }
                v.zerosSansDonnees = Set(zeros.filter { $0.1 == 0 }.map(\.0))
            }
            v.nonCollecte = etat == .nonCollectees
            v.valeur = nil
            v.taux = nil
            v.numerateur = nil
            v.denominateur = nil
            v.statistiques = []
            v.repartition = []
        }

        if let cible = configuration.cibles[i.code] {
            v.cible = cible
            v.atteinte = v.mesureComparee.map { cible.estAtteinte(par: $0) }
        }
        return v
    }

    // MARK: - What the sources collect

    enum EtatEntrees { case collectees, nonCollectees, sansDonnees }

    /// For one table, a period and a territory: its rows, the filled values of the columns the
    /// indicators read, and the columns collected by the imports these rows come from.
    struct Collecte {
        var lignes = 0
        var renseignees: [String: Int] = [:]
        /// Nil when some import of these rows does not say what it collects (all assumed).
        var collectees: Set<String>?
        /// The table holds no row up to the end of the period.
        var vide = false
    }

    /// The columns the indicators read that a source may leave out, by table.
    private lazy var colonnesLues: [TableCanonique: [String]] = {
        var c: [TableCanonique: [String]] = [:]
        for i in indicateurs { for e in i.entrees { if let col = e.colonne, !(c[e.table] ?? []).contains(col) { c[e.table, default: []].append(col) } } }
        return c.mapValues { $0.sorted() }
    }()
    /// What the sources collect, by table, period and territory: shared with the read-only
    /// engines of `calculerPlusieurs`, so that each is read once whatever worker asks first.
    private var memoire = MemoireCollecte()

    final class MemoireCollecte: @unchecked Sendable {
        private var collectes: [String: Collecte] = [:]
        private var parImport: [Int64: Set<String>?] = [:]
        private let verrou = NSLock()

        func collecte(_ cle: String) -> Collecte? { verrou.withLock { collectes[cle] } }
        func garder(_ c: Collecte, _ cle: String) { verrou.withLock { collectes[cle] = c } }
        func collecteesDeLImport(_ id: Int64) -> Set<String>?? { verrou.withLock { parImport[id] } }
        func garder(_ c: Set<String>?, import id: Int64) { verrou.withLock { parImport[id] = c } }
        private var renseignees: [String: Bool] = [:]
        func renseignee(_ cle: String) -> Bool? { verrou.withLock { renseignees[cle] } }
        func garder(renseignee: Bool, _ cle: String) { verrou.withLock { renseignees[cle] = renseignee } }

    }

    private func etatDesEntrees(_ i: Indicateur, _ p: Periode, _ territoire: String?, _ arguments: StatementArguments,
                                _ db: Database) throws -> EtatEntrees {
        guard !i.entrees.isEmpty else { return .collectees }
        var vides = 0
        var tables: [TableCanonique] = []
        for e in i.entrees where !tables.contains(e.table) { tables.append(e.table) }
        var c: [TableCanonique: Collecte] = [:]
        for t in tables {
            var x = try collecte(t, p, i.territorial ? territoire : nil, arguments, db)
            // Requests with no proposition yet (a territory, or the first months, before the
            // first proposition), in a C360 whose sources do give propositions: none is a
            // figure — a rate not calculable, the requests still waiting counted —, not
            // missing data.
            if t == .propositions && x.vide, try renseigneeDansLAnnee(.propositions, nil, p, db),
               try !collecte(.sollicitations, p, i.territorial ? territoire : nil, arguments, db).vide {
                x.vide = false
            }
            c[t] = x
            if x.vide { vides += 1 }
        }
        if vides == tables.count { return .sansDonnees }
        for e in i.entrees {
            guard let col = e.colonne, let x = c[e.table], x.lignes > 0 else { continue }
            // `problematiques` lives in its own table: only whether the sources collect it.
            // Empty on every row of the period: not collected when no row of the base has it
            // either (a column exported but never filled); otherwise the sources do collect it,
            // and the period's rows are « non renseigné », kept in the denominator
            // (indicateurs.md 3.1) — a short period, a territory, would flip between a figure and
            // « non collecté ».
            if col != "problematiques" && (x.renseignees[col] ?? 0) == 0, try !renseigneeDansLAnnee(e.table, col, p, db) { return .nonCollectees }
            if let collectees = x.collectees, !collectees.contains(col) { return .nonCollectees }
        }
        return .collectees
    }

    /// Whether the C360 (all its territories) collected this in the twelve months up to the
    /// period's end: some row of `table` for a request of that time, with `colonne` filled (any row
    /// when nil). A period or a territory with none, in a year that has some, has zeros or
    /// « non renseigné »; a year before the sources collected it has « pas de données » or
    /// « non collecté » (the regression review's M4: the whole base was asked first, and years
    /// before propositions were entered showed 0 % and missed targets).
    private func renseigneeDansLAnnee(_ table: TableCanonique, _ colonne: String?, _ p: Periode, _ db: Database) throws -> Bool {
        guard table == .sollicitations || table == .propositions else { return true }
        // The twelve months up to the period's end (a January is judged with the year before
        // it: the second regression review's N4).
        let debut = "\(p.fin.annee - 1)" + p.fin.iso.dropFirst(4)
        let cle = "\(table.rawValue).\(colonne ?? "*")|\(debut)|\(p.fin.iso)"
        if let r = memoire.renseignee(cle) { return r }
        // Table and column names of the schema, never from the data.
        let r = try Bool.fetchOne(db, sql: """
            SELECT EXISTS (SELECT 1 FROM \(table.rawValue) WHERE date_sollicitation > ? AND date_sollicitation <= ?\(colonne.map { " AND \($0) IS NOT NULL" } ?? ""))
            """, arguments: [debut, p.fin.iso]) ?? false
        memoire.garder(renseignee: r, cle)
        return r
    }

    private func collecte(_ t: TableCanonique, _ p: Periode, _ territoire: String?, _ arguments: StatementArguments,
                          _ db: Database) throws -> Collecte {
        let cle = "\(t.rawValue)|\(p.debut.iso)|\(p.fin.iso)|\(territoire ?? "")"
        if let c = memoire.collecte(cle) { return c }
        var c = Collecte()
        let colonnes = (colonnesLues[t] ?? []).filter { $0 != "problematiques" }
        switch t {
        case .sollicitations, .propositions:
            // The rows of the period (cohort rule), as the queries read them.
            let selection = (["count(*)"] + colonnes.map { "count(\($0))" } + ["group_concat(DISTINCT import_id)"]).joined(separator: ", ")
            let filtre = "date_sollicitation BETWEEN :debut AND :fin AND territoire IN (SELECT value FROM json_each(:territoires))"
            if let r = try Row.fetchOne(db, sql: "SELECT \(selection) FROM \(t.rawValue) WHERE \(filtre)", arguments: arguments) {
                c.lignes = r[0]
                for (k, col) in colonnes.enumerated() { c.renseignees[col] = r[k + 1] }
                let ids = ((r[colonnes.count + 1] as String?) ?? "").split(separator: ",").compactMap { Int64($0) }
                c.collectees = try collecteesPar(ids, db)
            }
            // Data up to the end of the period: the earliest request of the territories, by
            // their key (one seek each).
            let premiere = try String.fetchOne(db, sql: """
                SELECT min(d) FROM (SELECT (SELECT min(date_sollicitation) FROM \(t.rawValue) WHERE territoire = t.value) AS d
                                    FROM json_each(:territoires) t)
                """, arguments: arguments)
            c.vide = premiere.map { $0 > p.fin.iso } ?? true
        case .acteurs:
            let premiere = try String.fetchOne(db, sql: "SELECT min(date_referencement) FROM acteurs")
            c.vide = premiere.map { $0 > p.fin.iso } ?? true
        case .equipe:
            let premiere = try String.fetchOne(db, sql: "SELECT min(date_debut) FROM equipe")
            c.vide = premiere.map { $0 > p.fin.iso } ?? true
        case .membresCoeur:
            // The time of the core members is given year by year.
            c.vide = try Int.fetchOne(db, sql: "SELECT count(*) FROM membres_coeur WHERE annee = ?", arguments: [p.fin.annee]) == 0
        }
        memoire.garder(c, cle)
        return c
    }

    /// The columns collected by the imports of some rows: their union (nil when one of them
    /// does not say).
    private func collecteesPar(_ imports: [Int64], _ db: Database) throws -> Set<String>? {
        var union = Set<String>()
        for id in imports {
            let connues: Set<String>?
            if let deja = memoire.collecteesDeLImport(id) {
                connues = deja
            } else {
                let json = try String.fetchOne(db, sql: "SELECT colonnes_collectees FROM imports WHERE id = ?", arguments: [id])
                connues = json.flatMap { texte in
                    (try? JSONSerialization.jsonObject(with: Data(texte.utf8)) as? [String]).map { Set($0) }
                }
                memoire.garder(connues, import: id)
            }
            guard let connues else { return nil }
            union.formUnion(connues)
        }
        return union
    }

    /// A rate in percent with one decimal, rounded half away from zero on the exact quotient of
    /// the two counts (13 / 208 = 6,25 % → 6,3 %), or nil (*non calculable*) when the
    /// denominator is 0.
    public static func taux(_ numerateur: Double, sur denominateur: Double) -> Double? {
        guard denominateur > 0 else { return nil }
        return FormatFrancais.quotient(Int64(numerateur.rounded()) * 100, Int64(denominateur.rounded()), decimales: 1)
    }

    /// Puts the expected keys first, in order, with zeros for the missing ones; other keys
    /// (a `non_renseigne` that is not expected) follow when they are not zero.
    static func completer(_ lignes: [LigneRepartition], cles: [String]) -> [LigneRepartition] {
        guard !cles.isEmpty else { return lignes }
        let base = lignes.first { $0.base != nil }?.base ?? 0
        var resultat = cles.map { cle in
            lignes.first { $0.cle == cle } ?? LigneRepartition(cle: cle, n: 0, taux: taux(0, sur: base), base: base)
        }
        resultat += lignes.filter { !cles.contains($0.cle) && ($0.n ?? 0) != 0 }
        return resultat
    }
}
