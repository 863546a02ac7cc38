import Foundation
import ObservatoireCore

/// Where a canonical value came from, so that a problem is told in the source's words (the
/// tracker's column, its raw value) and sent to the right place (the tracker or the profile).
public struct OrigineValeur: Sendable, Equatable {
    /// The source columns read, as the header names them.
    public var colonnes: [String] = []
    /// The raw value of the source (before translation).
    public var brut: String?
    /// The rule translates values and this one matched none of its entries.
    public var nonTraduite = false
    /// The value was set by the profile (a constant, a default, a case): not by the tracker.
    public var parLeProfil = false
    /// The identifier was derived by the tool (request id and rank).
    public var derivee = false
    /// The value joins several columns of the tracker (`assembler`, or derived from such a
    /// value): an identifier made this way usually holds a name or a birth date, and is
    /// pseudonymised before it is validated (``Importeur/preparer``).
    public var assemblee = false
    /// The YAML line of the rule.
    public var ligneYAML: Int?

    /// « « Qui appelle ? » » or « « Âge » et « Qui appelle ? » ».
    public var libelleColonnes: String? {
        guard !colonnes.isEmpty else { return nil }
        return colonnes.map { "« \($0) »" }.joined(separator: " et ")
    }
}

/// What one row of the source becomes in one canonical table.
struct LigneProjetee {
    /// Index of the table in ``Projection/tables``.
    var table: Int
    /// One value per canonical column of the table (nil: the source has no such column).
    var valeurs: [String?]
    /// Where each value came from (nil for a canonical export read as it is).
    var origines: [OrigineValeur?]?
    /// A rank not created because the column that says it exists is empty, while other
    /// columns of its own are filled (« Décision 1 » without « Orientation 1 »): the row is
    /// rejected with both named, rather than dropped without a word.
    var incomplete: (remplies: [String], vides: [String])? = nil
}

enum ResultatProjection {
    /// The row is skipped by a filter of the profile (a totals row).
    case ignoree
    case lignes([LigneProjetee])
}

/// How the rows of one source become rows of the canonical tables: as they are for a canonical
/// export (``ProjectionCanonique``), or through the rules of a mapping profile
/// (``ProjectionProfil``). Pure: it runs on the reader thread.
protocol Projection: Sendable {
    /// The tables fed, in dependency order.
    var tables: [TableCanonique] { get }
    /// Header names that feed nothing (ignored, never stored).
    var ignorees: [String] { get }
    /// For each table, the canonical columns fed by a column of the source (not by a constant
    /// or a default): what the source actually collects.
    var collectees: [[String]] { get }
    /// Whether the field at this position (0-based) is read: it feeds a column or a filter.
    func lit(_ position: Int) -> Bool
    /// `calculees`: the positions whose value a formula of the workbook gave (see
    /// ``EnregistrementBrut/calculees``).
    func projeter(_ champs: [String], calculees: [Int]) -> ResultatProjection
    /// Whether a filter of the profile (`ignorer_lignes`) sets the row aside, or the row is one
    /// prepared in advance (see ``ProjectionProfil/ecartee(_:calculees:)``).
    func ecartee(_ champs: [String], calculees: [Int]) -> Bool
    /// For a row that is not set aside: the positions of the columns the profile does not read
    /// that alone make it look filled in, if nothing else does (nil otherwise).
    func seulesNonLues(_ champs: [String], calculees: [Int]) -> [Int]?
}

extension Projection {
    func ecartee(_ champs: [String], calculees: [Int]) -> Bool { false }
    func seulesNonLues(_ champs: [String], calculees: [Int]) -> [Int]? { nil }
    func projeter(_ champs: [String]) -> ResultatProjection { projeter(champs, calculees: []) }
}

/// A canonical export: one table, columns matched by name.
struct ProjectionCanonique: Projection {
    let correspondance: Correspondance

    var tables: [TableCanonique] { [correspondance.table] }
    var ignorees: [String] { correspondance.ignorees }
    var collectees: [[String]] {
        [zip(correspondance.table.colonnes, correspondance.indices).compactMap { $1 == nil ? nil : $0.nom }]
    }

    func lit(_ position: Int) -> Bool { correspondance.indices.contains(position) }

    func projeter(_ champs: [String], calculees: [Int]) -> ResultatProjection {
        .lignes([LigneProjetee(table: 0, valeurs: correspondance.valeurs(champs), origines: nil)])
    }
}

// MARK: - Through a profile

/// A profile's source compiled against the header of one file: every column name resolved to
/// its position once, so that each row is only lookups.
struct ProjectionProfil: Projection {
    let tables: [TableCanonique]
    let ignorees: [String]
    let collectees: [[String]]
    /// Positions of the fields that feed a column or a filter.
    let utilisees: Set<Int>
    private let filtres: [ConditionsCompilees]
    private let compilees: [TableCompilee]
    /// The positions of the columns the identifiers are read from (see ``ecartee(_:calculees:)``).
    private var positionsIdentifiants: Set<Int> = []
    /// The positions of the columns the profile declares computed (`colonnes_calculees`).
    private var positionsCalculees: Set<Int> = []

    struct ConditionsCompilees {
        var tests: [(index: Int?, test: Conditions.Test)]

        func verifiees(_ champs: [String]) -> Bool {
            tests.allSatisfy { t in
                let v = t.index.map { $0 < champs.count ? Normalisation.rogner(champs[$0]) : "" } ?? ""
                switch t.test {
                case .vide(let vide): return v.isEmpty == vide
                case .egal(let motifs):
                    let cle = Normalisation.cle(v)
                    return motifs.contains { $0.correspond(cle) }
                case .nombre(let plage):
                    guard let x = Plage.nombre(v) else { return false }
                    return plage.contient(x)
                }
            }
        }
    }

    final class RegleCompilee: @unchecked Sendable {
        var colonnes: [(index: Int, nom: String)] = []
        var assembler: [(index: Int, nom: String)] = []
        var valeur: String?
        /// The profile's rule, whose translation and splitting of a cell this one applies
        /// (``RegleColonne/traduire(_:)``, ``RegleColonne/decoupage(_:)``, its `separateur`).
        var regle = RegleColonne()
        var defaut: String?
        var cas: [(si: ConditionsCompilees, regle: RegleCompilee)] = []
        var formatDate: ProfilCorrespondance.FormatDate?
        var ligneYAML: Int?
        /// Every column of the rule is absent from this file (first-format rule): only its
        /// default applies.
        var absente = false

        var traduit: Bool { regle.traduit }
        var separateur: String? { regle.separateur }

        /// The value and where it came from.
        func evaluer(_ champs: [String], type: TypeColonne) -> (String?, OrigineValeur) {
            for c in cas where c.si.verifiees(champs) {
                var (v, o) = c.regle.evaluer(champs, type: type)
                o.parLeProfil = o.parLeProfil || c.regle.colonnes.isEmpty
                return (v, o)
            }
            var o = OrigineValeur(ligneYAML: ligneYAML)
            var texte: String?
            if let valeur {
                texte = valeur
                o.parLeProfil = true
            } else if !assembler.isEmpty {
                o.colonnes = assembler.map(\.nom)
                let parties = assembler.map { $0.index < champs.count ? Normalisation.rogner(champs[$0.index]) : "" }
                texte = parties.contains(where: \.isEmpty) ? "" : parties.joined(separator: "-")
                o.brut = texte
                o.assemblee = true
            } else if !colonnes.isEmpty {
                o.colonnes = [colonnes[0].nom]
                texte = ""
                for c in colonnes {
                    let v = c.index < champs.count ? champs[c.index] : ""
                    if !Normalisation.rogner(v).isEmpty {
                        texte = v
                        o.colonnes = [c.nom]
                        break
                    }
                }
                o.brut = texte
            }
            if Normalisation.rogner(texte ?? "").isEmpty, let defaut {
                texte = defaut
                o.parLeProfil = true
                return (texte, o)
            }
            guard var t = texte else { return (nil, o) }
            if traduit && !Normalisation.rogner(t).isEmpty {
                if let separateur, !separateur.isEmpty {
                    // Split on the rule's separator, and on a comma, a line break, « + »… when
                    // every piece then translates (« Logement, Emploi » under « / »).
                    let elements = regle.decoupage(t).elements
                    var sortie: [String] = []
                    for e in elements {
                        if let x = traduire(e) { sortie.append(x) } else { sortie.append(e); o.nonTraduite = true }
                    }
                    t = sortie.joined(separator: "|")
                } else if let x = traduire(t) {
                    t = x
                } else {
                    o.nonTraduite = true
                }
            } else if let separateur, !separateur.isEmpty {
                t = t.components(separatedBy: separateur).map { Normalisation.rogner($0) }.filter { !$0.isEmpty }.joined(separator: "|")
            }
            if type == .date, let formatDate {
                t = ProfilCorrespondance.dateISO(t, format: formatDate) ?? t
            }
            return (t, o)
        }

        private func traduire(_ texte: String) -> String? { regle.traduire(texte) }
    }

    /// How one canonical column is fed.
    enum Alimentation {
        case regle(RegleCompilee)
        /// A column of the file named like the canonical column.
        case directe(Int, String)
        /// The request's identifier of the same row (propositions of a tracker).
        case identifiantDeLaLigne(RegleCompilee)
        /// `<request id>-<rank>`.
        case identifiantDerive
    }

    struct RangCompile {
        var rang: String
        var creerSi: ConditionsCompilees?
        var colonnes: [Alimentation?]
        /// When `creerSi` only asks for columns to be filled: the columns this rank alone reads
        /// (not another rank, another table, the identifiers or the condition itself), which,
        /// filled while the condition fails, mean a rank left incomplete.
        var propres: [(index: Int, nom: String)] = []
        /// The names of the columns `creerSi` asks to be filled.
        var condition: [String] = []
    }

    struct TableCompilee {
        var table: TableCanonique
        var rangs: [RangCompile]
    }

    /// Compiles `source` for a file whose header is `entete`. Throws ``FichierIllisible`` when
    /// the file lacks a column the profile reads, or a required canonical column has no source.
    static func compiler(_ source: SourceProfil, profil: ProfilCorrespondance, entete: [String], fichier: String) throws -> ProjectionProfil {
        var positions: [String: Int] = [:]
        var homonymes: [String: [Int]] = [:]
        for (i, nom) in entete.enumerated() {
            let c = Normalisation.cle(nom)
            guard !c.isEmpty else { continue }
            if let premiere = positions[c] { homonymes[c, default: [premiere]].append(i) } else { positions[c] = i }
        }
        var utilisees = Set<Int>()
        var absentes: [String] = []
        // A name the profile reads that several columns bear (a block of columns copied without
        // renaming its headers, a new column named like an old one): which one holds the data
        // cannot be told, and reading the first would lose the other's silently.
        var ambigus: [String] = []
        func index(_ nom: String) -> Int? {
            let c = Normalisation.cle(nom)
            if homonymes[c] != nil && !ambigus.contains(c) { ambigus.append(c) }
            return positions[c]
        }

        func conditions(_ c: Conditions, rang: String, manquantes: inout [String]) -> ConditionsCompilees {
            ConditionsCompilees(tests: c.tests.map { t in
                let nom = TableProfil.substituer(t.colonne, rang: rang)
                let i = index(nom)
                if let i { utilisees.insert(i) } else { manquantes.append(nom) }
                return (i, t.test)
            })
        }

        func compiler(_ r: RegleColonne, rang: String, manquantes: inout [String]) -> RegleCompilee {
            let c = RegleCompilee()
            c.valeur = r.valeur
            c.regle = r
            c.defaut = r.defaut
            c.formatDate = r.formatDate ?? source.formatDate
            c.ligneYAML = r.ligneYAML
            var absentesRegle: [String] = []
            for nom in r.colonnes.map({ TableProfil.substituer($0, rang: rang) }) {
                if let i = index(nom) { c.colonnes.append((i, entete[i])); utilisees.insert(i) } else { absentesRegle.append(nom) }
            }
            for nom in r.assembler.map({ TableProfil.substituer($0, rang: rang) }) {
                if let i = index(nom) { c.assembler.append((i, entete[i])); utilisees.insert(i) } else { manquantes.append(nom) }
            }
            if !r.colonnes.isEmpty && c.colonnes.isEmpty {
                if r.colonnesFacultatives { c.absente = true } else { manquantes += absentesRegle }
            } else if !r.colonnesFacultatives && !absentesRegle.isEmpty && r.colonnes.count == 1 {
                manquantes += absentesRegle
            }
            for cas in r.cas {
                c.cas.append((conditions(cas.si, rang: rang, manquantes: &manquantes), compiler(cas.regle, rang: rang, manquantes: &manquantes)))
            }
            return c
        }

        var compilees: [TableCompilee] = []
        var collectees: [[String]] = []
        let regleIdentifiant = source.tables.first { $0.table == .sollicitations }?.regles["id_sollicitation"]
        for t in source.tables {
            var rangs: [RangCompile] = []
            var collecteesTable = Set<String>()
            for rang in (t.rangs.isEmpty ? [""] : t.rangs) {
                var manquantes: [String] = []
                var colonnes: [Alimentation?] = []
                let creerSi = t.creerSi.map { conditions($0, rang: rang, manquantes: &manquantes) }
                var manquantesObligatoires: [String] = []
                for colonne in t.table.colonnes {
                    if let r = t.regles[colonne.nom] {
                        let c = compiler(r, rang: rang, manquantes: &manquantes)
                        if c.absente && c.defaut == nil && c.valeur == nil {
                            colonnes.append(nil)
                            if colonne.enTeteObligatoire { manquantesObligatoires.append(colonne.nom) }
                        } else {
                            colonnes.append(.regle(c))
                            if !c.colonnes.isEmpty || !c.assembler.isEmpty || !c.cas.isEmpty { collecteesTable.insert(colonne.nom) }
                        }
                    } else if let i = colonne.clesEntete.lazy.compactMap({ positions[$0] }).first {
                        colonnes.append(.directe(i, entete[i]))
                        utilisees.insert(i)
                        collecteesTable.insert(colonne.nom)
                    } else if t.table == .propositions && colonne.nom == "id_sollicitation", let regleIdentifiant {
                        colonnes.append(.identifiantDeLaLigne(compiler(regleIdentifiant, rang: "", manquantes: &manquantes)))
                        collecteesTable.insert(colonne.nom)
                    } else if t.table == .propositions && colonne.nom == "id_proposition" {
                        colonnes.append(.identifiantDerive)
                    } else {
                        colonnes.append(nil)
                        if colonne.enTeteObligatoire { manquantesObligatoires.append(colonne.nom) }
                    }
                }
                // A rank whose own columns are all missing is not in this export (a tracker with a
                // single orientation column read by a profile that allows two): it is left out.
                if !rang.isEmpty && !manquantes.isEmpty {
                    let propres = Set(t.regles.values.flatMap(\.colonnesLues).filter { $0.contains("{n}") }.map { TableProfil.substituer($0, rang: rang) })
                        .union((t.creerSi?.tests.map(\.colonne) ?? []).filter { $0.contains("{n}") }.map { TableProfil.substituer($0, rang: rang) })
                    if !propres.isEmpty && propres.isSubset(of: Set(manquantes)) && rang != t.rangs.first {
                        continue
                    }
                }
                if !manquantes.isEmpty {
                    var vus: Set<String> = []
                    let liste = manquantes.filter { vus.insert($0).inserted }
                    absentes += liste
                    continue
                }
                if !manquantesObligatoires.isEmpty {
                    let trouvees = utilisees.isEmpty ? "aucune citée (la ligne prise pour l'en-tête ne ressemble pas à des noms de colonnes : l'export a-t-il sa ligne d'en-tête ?)" : Masque.listeEntetes(entete)
                    let details = manquantesObligatoires.map { nom -> String in
                        let proches = Normalisation.plusProches(nom, parmi: utilisees.isEmpty ? [] : entete.filter(Masque.ressembleAUnEnTete))
                        return proches.isEmpty ? "« \(nom) »" : "« \(nom) » (la plus proche dans le fichier : « \(proches[0]) »)"
                    }
                    throw FichierIllisible(
                        fichier: fichier,
                        raison: "le profil « \(profil.nom) » (source « \(source.nom) ») ne dit pas d'où viennent les colonnes obligatoires de la table \(t.table.libelle) : \(details.joined(separator: ", ")). Colonnes trouvées : \(trouvees)",
                        conseil: "Ajoutez ces colonnes au profil \(profil.fichier) (rubrique tables.\(t.table.rawValue)), avec la colonne du tableur qui les contient ou une valeur.")
                }
                rangs.append(RangCompile(rang: rang, creerSi: creerSi, colonnes: colonnes))
            }
            compilees.append(TableCompilee(table: t.table, rangs: rangs))
            collectees.append(t.table.colonnes.map(\.nom).filter(collecteesTable.contains))
        }
        var manquantesFiltres: [String] = []
        let filtres = source.ignorer.map { conditions($0, rang: "", manquantes: &manquantesFiltres) }
        if !ambigus.isEmpty {
            let details = ambigus.prefix(5).map { c -> String in
                let colonnes = homonymes[c]!.map { ReferenceCellule.lettres(colonne: $0) }
                return "les colonnes \(colonnes.dropLast().joined(separator: ", ")) et \(colonnes.last!) s'appellent toutes \(colonnes.count == 2 ? "deux " : "")« \(Normalisation.texte(entete[homonymes[c]![0]])) »"
            }
            throw FichierIllisible(
                fichier: fichier,
                raison: "\(details.joined(separator: " ; ")) : le profil « \(profil.nom) » lit ce nom, et ne peut pas savoir laquelle porte les données (lire la première perdrait l'autre sans rien dire)",
                conseil: "Renommez l'une d'elles dans le tableur (par exemple « Orientation 3 » pour un bloc de colonnes recopié), ajoutez-la au profil si elle doit être lue, puis réimportez le fichier.")
        }
        absentes += manquantesFiltres
        if !absentes.isEmpty {
            var vus: Set<String> = []
            let liste = absentes.filter { vus.insert($0).inserted }
            let trouvees = utilisees.isEmpty ? "aucune citée (la ligne prise pour l'en-tête ne ressemble pas à des noms de colonnes : l'export a-t-il sa ligne d'en-tête ?)" : Masque.listeEntetes(entete)
            let details = liste.map { nom -> String in
                let proches = Normalisation.plusProches(nom, parmi: utilisees.isEmpty ? [] : entete.filter(Masque.ressembleAUnEnTete), maximum: 1)
                return proches.isEmpty ? "« \(nom) »" : "« \(nom) » (la plus proche : « \(proches[0]) »)"
            }
            throw FichierIllisible(
                fichier: fichier,
                raison: "colonne\(liste.count > 1 ? "s" : "") attendue\(liste.count > 1 ? "s" : "") par le profil « \(profil.nom) » (source « \(source.nom) ») absente\(liste.count > 1 ? "s" : "") du fichier : \(details.joined(separator: ", ")). Colonnes trouvées : \(trouvees)",
                conseil: "Si le tableur a renommé la colonne, corrigez son nom dans le profil \(profil.fichier) ; sinon, vérifiez que c'est le bon fichier (ou la bonne feuille : « feuille » dans le profil).")
        }
        let ignorees = entete.enumerated().filter { !utilisees.contains($0.offset) && !$0.element.isEmpty }.map(\.element)
        // The columns each rank alone reads, for the ranks created when columns are filled.
        func lues(_ r: RegleCompilee) -> Set<Int> {
            Set(r.colonnes.map(\.index) + r.assembler.map(\.index)).union(r.cas.flatMap { c in c.si.tests.compactMap(\.index) + Array(lues(c.regle)) })
        }
        func lues(_ rang: RangCompile) -> Set<Int> {
            Set(rang.colonnes.flatMap { a -> Set<Int> in
                switch a {
                case .regle(let r), .identifiantDeLaLigne(let r): return lues(r)
                case .directe(let i, _): return [i]
                case .identifiantDerive, nil: return []
                }
            })
        }
        let parRang = compilees.map { $0.rangs.map(lues) }
        // The columns the identifiers are read from (see ``ecartee(_:calculees:)``).
        var identifiants = Set<Int>()
        for t in compilees {
            for rang in t.rangs {
                for (i, a) in rang.colonnes.enumerated() where ProjectionProfil.identifiants.contains(t.table.colonnes[i].nom) {
                    switch a {
                    case .regle(let r), .identifiantDeLaLigne(let r):
                        // A number column; not the columns an identifier is joined from (a name,
                        // a date: data of the call).
                        identifiants.formUnion(r.colonnes.map(\.index))
                    case .directe(let index, _): identifiants.insert(index)
                    case .identifiantDerive, nil: break
                    }
                }
            }
        }
        for k in compilees.indices {
            for j in compilees[k].rangs.indices {
                let rang = compilees[k].rangs[j].rang
                guard !rang.isEmpty, let c = compilees[k].rangs[j].creerSi, c.tests.allSatisfy({ t in
                    if case .vide(false) = t.test { return t.index != nil }
                    return false
                }) else { continue }
                // Only the columns named after the rank (« Décision {n} »): a column read for
                // every call (« Éval. existante ») is filled on calls with no orientation.
                let table = source.tables.first { $0.table == compilees[k].table }
                let duRang = Set((table?.regles.values.flatMap(\.colonnesLues) ?? []).filter { $0.contains("{n}") }
                    .compactMap { positions[Normalisation.cle(TableProfil.substituer($0, rang: rang))] })
                var autres = identifiants.union(c.tests.compactMap(\.index))
                for (k2, rangs) in parRang.enumerated() {
                    for (j2, x) in rangs.enumerated() where (k2, j2) != (k, j) { autres.formUnion(x) }
                }
                for r in compilees.indices where r != k { for rang in compilees[r].rangs { if let c2 = rang.creerSi { autres.formUnion(c2.tests.compactMap(\.index)) } } }
                compilees[k].rangs[j].propres = parRang[k][j].intersection(duRang).subtracting(autres).sorted().map { ($0, entete[$0]) }
                compilees[k].rangs[j].condition = c.tests.compactMap { $0.index.map { entete[$0] } }
            }
        }
        var projection = ProjectionProfil(tables: source.tables.map(\.table), ignorees: ignorees, collectees: collectees,
                                          utilisees: utilisees, filtres: filtres, compilees: compilees)
        // A declared computed column missing from the file is no error: a column that is not
        // there cannot make a row look filled in.
        projection.positionsCalculees = Set(source.colonnesCalculees.compactMap(index))
        projection.positionsIdentifiants = identifiants
        return projection
    }

    func lit(_ position: Int) -> Bool { utilisees.contains(position) }

    /// A row the profile's filters set aside, or a row of a tracker prepared in advance (the
    /// numbers, or a formula, copied down the sheet) that nobody has filled in yet: it is not a
    /// call yet, and rejecting it every month would bury the real problems.
    ///
    /// Such a row has nothing typed in any cell, mapped or not, except:
    /// - its number (the columns the identifiers are read from);
    /// - the columns the profile declares computed (`colonnes_calculees` : a delay, a month name
    ///   copied down; the only way to know them in a CSV file);
    /// - in a workbook, what a formula gave: an error or no value (a lookup copied down that gives
    ///   `#N/A`), 0, or anything in a column the profile does not read (`=TEXTE(B5;"mmmm")` gives
    ///   « janvier » on an empty row). A formula's value in a read column counts as data (a sheet
    ///   that mirrors another one is all formulas), unless it is 0 or empty.
    ///
    /// A row with anything else (a name, a note, an orientation typed in) is a call.
    func ecartee(_ champs: [String], calculees: [Int]) -> Bool {
        filtres.contains { $0.verifiees(champs) } || saisies(champs, calculees: calculees).isEmpty
    }

    func seulesNonLues(_ champs: [String], calculees: [Int]) -> [Int]? {
        let s = saisies(champs, calculees: calculees)
        return !s.isEmpty && !s.contains(where: utilisees.contains) ? s : nil
    }

    /// The input formats a tracker shows in its cells (« JJ/MM/AAAA », « O/N »), by key: not
    /// data. A row holding nothing else (but its number or formulas) is a row prepared in
    /// advance, set aside; a row with anything typed besides is a call, rejected for what it
    /// lacks (a call with two hints left was set aside by a first version of this rule: the
    /// regression review's H1), and a help row under the header with other words (« ex.
    /// A-001 », « en années ») is rejected with the advice to filter it (``ligneDAide(_:)``).
    static let indicationsDeSaisie: Set<String> = [
        "jjmmaaaa", "jjmmaa", "aaaammjj", "mmjjaaaa", "ddmmyyyy", "yyyymmdd", "jjmm", "mmaaaa", "on", "ouinon", "ooun", "ouiounon", "hhmm",
    ]

    /// Whether a cell holds an input format (``indicationsDeSaisie``); `dates` only a date's
    /// (« JJ/MM/AAAA »).
    static func estIndicationDeSaisie(_ valeur: String, dates: Bool = false) -> Bool {
        guard valeur.utf8.count <= 16 else { return false }
        let cle = Normalisation.cle(valeur)
        return dates ? ["jjmmaaaa", "jjmmaa", "aaaammjj", "mmjjaaaa", "ddmmyyyy", "yyyymmdd"].contains(cle) : indicationsDeSaisie.contains(cle)
    }

    /// Whether a row shows two input formats or more: a help row under the header, most likely.
    static func ligneDAide(_ champs: [String]) -> Bool {
        var n = 0
        for c in champs where estIndicationDeSaisie(c) {
            n += 1
            if n >= 2 { return true }
        }
        return false
    }

    /// The positions of the cells of the row that hold something typed in, in the sense of
    /// ``ecartee(_:calculees:)``.
    private func saisies(_ champs: [String], calculees: [Int]) -> [Int] {
        var k = 0
        var positions: [Int] = []
        for i in champs.indices where !positionsIdentifiants.contains(i) && !positionsCalculees.contains(i) {
            let v = Normalisation.rogner(champs[i])
            guard !v.isEmpty else { continue }
            while k < calculees.count && calculees[k] < i { k += 1 }
            let formule = k < calculees.count && calculees[k] == i
            if formule && (v == "0" || !utilisees.contains(i)) { continue }
            // An input format left in a cell (« JJ/MM/AAAA », « O/N ») is not data.
            if ProjectionProfil.estIndicationDeSaisie(v) { continue }
            positions.append(i)
        }
        return positions
    }

    func projeter(_ champs: [String], calculees: [Int]) -> ResultatProjection {
        if ecartee(champs, calculees: calculees) { return .ignoree }
        var lignes: [LigneProjetee] = []
        for (k, t) in compilees.enumerated() {
            let colonnes = t.table.colonnes
            for rang in t.rangs {
                if let c = rang.creerSi, !c.verifiees(champs) {
                    // Typed in: not a formula copied down the rank's columns, nor a column the
                    // profile declares computed.
                    let remplies = rang.propres.filter {
                        $0.index < champs.count && !Normalisation.rogner(champs[$0.index]).isEmpty
                            && !calculees.contains($0.index) && !positionsCalculees.contains($0.index)
                    }
                    if !remplies.isEmpty {
                        var l = LigneProjetee(table: k, valeurs: [], origines: nil)
                        l.incomplete = (remplies.map(\.nom), rang.condition)
                        lignes.append(l)
                    }
                    continue
                }
                var valeurs = [String?](repeating: nil, count: colonnes.count)
                var origines = [OrigineValeur?](repeating: nil, count: colonnes.count)
                var derivee: Int?
                for (i, a) in rang.colonnes.enumerated() {
                    guard let a else { continue }
                    switch a {
                    case .regle(let r), .identifiantDeLaLigne(let r):
                        let (v, o) = r.evaluer(champs, type: colonnes[i].type)
                        valeurs[i] = v
                        origines[i] = o
                    case .directe(let index, let nom):
                        let v = index < champs.count ? champs[index] : ""
                        valeurs[i] = v
                        origines[i] = OrigineValeur(colonnes: [nom], brut: v)
                    case .identifiantDerive:
                        derivee = i
                    }
                }
                if let i = derivee, let j = colonnes.firstIndex(where: { $0.nom == "id_sollicitation" }) {
                    let id = Normalisation.rogner(valeurs[j] ?? "")
                    valeurs[i] = id.isEmpty ? "" : "\(id)-\(rang.rang.isEmpty ? "1" : rang.rang)"
                    var o = origines[j] ?? OrigineValeur()
                    o.derivee = true
                    origines[i] = o
                }
                lignes.append(LigneProjetee(table: k, valeurs: valeurs, origines: origines))
            }
        }
        return .lignes(lignes)
    }

    /// The identifier columns of requests and propositions: read from a number column (a row
    /// holding only that is numbered in advance), pseudonymised when a profile joins them from
    /// several columns (`personne_id` always is, by the validation).
    static let identifiants: Set<String> = ["id_sollicitation", "id_proposition"]
}
