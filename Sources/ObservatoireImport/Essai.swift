import Foundation
import ObservatoireCore

/// What a mapping profile makes of the first rows of a file (`c360 profil essayer`), table by
/// table, with the problems of each row. Nothing is written: no database, no key.
public struct EssaiProfil: Sendable {
    /// One row of one table after mapping.
    public struct Ligne: Sendable {
        public var ligne: Int
        /// Canonical column → value after mapping (the person's identifier is never shown).
        public var valeurs: [(colonne: String, valeur: String)]
        public var rejet: Rejet?
        public var avertissements: [Avertissement]
    }

    public struct Table: Sendable {
        public var table: TableCanonique
        public var source: String
        public var feuille: String
        /// Canonical column ← where its value comes from (« « Qui appelle ? » », « valeur du profil »).
        public var origines: [(colonne: String, origine: String)]
        public var lignes: [Ligne]
    }

    public var tables: [Table] = []
    /// Source rows skipped by the profile's filters among those read.
    public var lignesIgnorees: [Int] = []
    /// Header columns that feed nothing (never stored).
    public var colonnesIgnorees: [String] = []
    public var lignesLues = 0

    /// Reads the first `lignes` rows of `url` with `profil`.
    public static func essayer(_ url: URL, profil: ProfilCorrespondance, lignes: Int, configuration: Configuration,
                               aujourdhui: Jour) throws -> EssaiProfil {
        var essai = EssaiProfil()
        var sources = profil.sources(pourFichier: url.lastPathComponent)
        if sources.isEmpty { sources = [try Importeur.sourceSelonEntete(url, profil: profil)] }
        // A throwaway key: pseudonyms are computed as on import, never shown.
        let pseudonymiseur = Pseudonymiseur(cle: ClePseudonymisation(octets: (0..<32).map { _ in UInt8.random(in: 0...255) }))
        for s in sources {
            let assemblee = s.assemble(.sollicitations, "id_sollicitation") || s.assemble(.propositions, "id_proposition")
            let lecteur = try Importeur.ouvrirSource(url, s)
            let projection = try ProjectionProfil.compiler(s, profil: profil, entete: lecteur.entete, fichier: url.lastPathComponent)
            (lecteur as? LecteurXLSX)?.colonnesLues = projection.lit
            essai.colonnesIgnorees += projection.ignorees
            let validateurs = projection.tables.enumerated().map { k, t in
                Validateur(table: t, configuration: configuration, aujourdhui: aujourdhui, pseudonymiseur: pseudonymiseur,
                           serielExcel: lecteur is LecteurXLSX, dates1904: lecteur.dates1904, collectees: Set(projection.collectees[k]))
            }
            var tables = projection.tables.map { t -> Table in
                let regles = s.tables.first { $0.table == t }
                let origines = t.colonnes.compactMap { c -> (String, String)? in
                    if let r = regles?.regles[c.nom] {
                        if let v = r.valeur { return (c.nom, "valeur « \(v) » donnée par le profil") }
                        let cols = (r.colonnes + r.assembler).map { "« \($0) »" }.joined(separator: r.assembler.isEmpty ? " ou " : " + ")
                        return (c.nom, (cols.isEmpty ? "cas du profil" : cols) + (r.traduit ? ", traduite" : "") + (r.defaut.map { ", défaut « \($0) »" } ?? ""))
                    }
                    if t == .propositions && c.nom == "id_sollicitation",
                       let r = s.tables.first(where: { $0.table == .sollicitations })?.regles["id_sollicitation"] {
                        return (c.nom, (r.colonnes + r.assembler).map { "« \($0) »" }.joined(separator: " + ") + " (la sollicitation de la même ligne)")
                    }
                    if projection.collectees[projection.tables.firstIndex(of: t)!].contains(c.nom) { return (c.nom, "colonne du même nom") }
                    if t == .propositions && c.nom == "id_proposition" { return (c.nom, "déduit : sollicitation + rang") }
                    return nil
                }
                let feuille = (lecteur as? LecteurXLSX)?.nomFeuille ?? ""
                return Table(table: t, source: s.nom, feuille: feuille, origines: origines, lignes: [])
            }
            let contexte = ContexteMessages(profil: profil)
            var lues = 0
            struct Assez: Error {}
            do {
                try lecteur.parcourir { brut in
                    if lues >= lignes { throw Assez() }
                    lues += 1
                    var lot: [ElementLu] = []
                    Importeur.preparer(brut, projection: projection, entete: lecteur.entete, validateurs: validateurs, contexte: contexte,
                                       lignesCompletes: lecteur.lignesCompletes, dans: &lot)
                    for e in lot {
                        guard case .ligne(let l) = e else {
                            essai.lignesIgnorees.append(brut.ligne)
                            continue
                        }
                        var valeurs: [(String, String)] = []
                        var rejet: Rejet?
                        switch l.resultat {
                        case .success(let enregistrement):
                            valeurs = EssaiProfil.valeurs(enregistrement)
                            // An identifier joined from the tracker's columns is stored as a
                            // pseudonym (with the workspace's key, not this throwaway one).
                            if assemblee {
                                valeurs = valeurs.map { ProjectionProfil.identifiants.contains($0.0) ? ($0.0, "(pseudonymisé)") : $0 }
                            }
                        case .failure(let r):
                            rejet = r
                        }
                        tables[l.table].lignes.append(Ligne(ligne: l.ligne, valeurs: valeurs, rejet: rejet, avertissements: l.avertissements))
                    }
                }
            } catch is Assez {}
            essai.lignesLues = max(essai.lignesLues, lues)
            essai.tables += tables
        }
        return essai
    }

    /// The stored values of a row, as text (the pseudonym of the person is not shown).
    static func valeurs(_ e: Enregistrement) -> [(String, String)] {
        func o(_ b: Bool?) -> String { b.map { $0 ? "oui" : "non" } ?? "" }
        switch e {
        case .sollicitation(let s):
            return [("id_sollicitation", s.idSollicitation), ("date_sollicitation", s.dateSollicitation.francais),
                    ("personne_id", "(pseudonymisé)"), ("profil", s.profil?.rawValue ?? ""), ("type_demande", s.typeDemande?.rawValue ?? ""),
                    ("problematiques", s.problematiques.joined(separator: "|")), ("origine", s.origine?.rawValue ?? ""),
                    ("accompagnee", o(s.accompagnee)), ("projet_vie_co_construit", s.projetVieCoConstruit?.rawValue ?? ""),
                    ("territoire", s.territoire), ("departement", s.departement), ("canal", s.canal?.rawValue ?? ""),
                    ("niveau_intervention", s.niveauIntervention.map(String.init) ?? ""), ("orientation_rapt", o(s.orientationRapt)),
                    ("tranche_age", s.trancheAge?.rawValue ?? ""), ("date_cloture", s.dateCloture?.francais ?? "")]
        case .proposition(let p):
            return [("id_proposition", p.idProposition), ("id_sollicitation", p.idSollicitation), ("date_proposition", p.dateProposition?.francais ?? ""),
                    ("evaluation_preexistante", o(p.evaluationPreexistante)), ("ad_hoc_partenaires", o(p.adHocPartenaires)),
                    ("milieu_ordinaire", o(p.milieuOrdinaire)), ("decision", p.decision?.rawValue ?? ""),
                    ("date_decision", p.dateDecision?.francais ?? ""), ("acteur_id", p.acteurId ?? "")]
        case .acteur(let a):
            return [("acteur_id", a.acteurId), ("nom", a.nom), ("categorie", a.categorie.rawValue), ("membre_coeur", o(a.membreCoeur)),
                    ("partenaire", o(a.partenaire)), ("date_referencement", a.dateReferencement.francais), ("date_sortie", a.dateSortie?.francais ?? "")]
        case .poste(let p):
            return [("poste_id", p.posteId), ("fonction", p.fonction.rawValue), ("etp", FormatFrancais.decimal(p.etp, 2)),
                    ("recherche_solutions", o(p.rechercheSolutions)), ("date_debut", p.dateDebut.francais), ("date_fin", p.dateFin?.francais ?? "")]
        case .membreCoeur(let m):
            return [("annee", "\(m.annee)"), ("membre", m.membre), ("etp", FormatFrancais.decimal(m.etp, 2))]
        }
    }
}
