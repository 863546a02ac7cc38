import Foundation
import ObservatoireCore
import ObservatoireIndicateurs

/// The annual activity report as an Excel workbook (libxlsxwriter), for the COTER and the CNSA.
///
/// Every figure comes from ``DonneesRapport`` (the engine's values, already masked in `externe`
/// diffusion): a masked count is written as the text « < 5 » (or « secret »), so that no cell,
/// hidden place or chart series holds it.
///
/// ```swift
/// let url = try RapportXLSX.ecrire(donnees, dans: dossierRapports)
/// ```
public enum RapportXLSX {
    /// Writes `rapport-activite-<c360>-<année>[-externe].xlsx` in `dossier` and returns its URL.
    @discardableResult
    public static func ecrire(_ d: DonneesRapport, dans dossier: URL) throws -> URL {
        let url = dossier.appendingPathComponent(NomDeFichier.rapport(nom: d.nomC360, annee: d.annee, diffusion: d.diffusion, extension: "xlsx"))
        try ecrire(d, vers: url)
        return url
    }

    public static func ecrire(_ d: DonneesRapport, vers url: URL) throws {
        let classeur = try ClasseurXLSX(chemin: url.path)
        let r = Redaction(d: d, classeur: classeur)
        try r.synthese()
        try r.tableauDeBord()
        try r.mensuel()
        try r.profils()
        try r.problematiques()
        try r.propositions()
        try r.delais()
        try r.territoires()
        try r.equipe()
        try r.canaux()
        try r.qualite()
        try r.methodologie()
        try classeur.proprietes(
            titre: "Rapport d'activité \(d.annee) — \(d.nomC360)",
            sujet: "Indicateurs du cahier des charges des Communautés 360 (circulaire DGCS/SD3/2021/236)",
            auteur: "Observatoire 360 — \(d.nomC360)", societe: d.nomC360,
            motsCles: "Communauté 360, COTER, CNSA, indicateurs, \(d.departement)",
            commentaires: "Diffusion \(d.diffusion.rawValue). Données extraites le \(Horodatage.francais(d.extraction)).",
            creation: d.extraction)
        try classeur.fermer()
    }
}

// MARK: - Styles

enum Styles {
    static let bleu: UInt32 = 0x1F4E79
    static let titre = StyleXLSX(gras: true, taille: 15, couleur: 0x1F3864)
    static let sousTitre = StyleXLSX(italique: true, couleur: 0x404040)
    static let intertitre = StyleXLSX(gras: true, taille: 12, couleur: 0x1F3864)
    static let entete = StyleXLSX(gras: true, couleur: 0xFFFFFF, fond: bleu, retourALaLigne: true, bordure: true, alignement: .centre)
    static let texte = StyleXLSX(hautDeCellule: true)
    static let texteLong = StyleXLSX(retourALaLigne: true, hautDeCellule: true)
    static let texteGras = StyleXLSX(gras: true, hautDeCellule: true)
    static let objectif = StyleXLSX(gras: true, couleur: 0x1F3864, fond: 0xDDEBF7, retourALaLigne: true, bordure: true, hautDeCellule: true)
    static let cellule = StyleXLSX(retourALaLigne: true, bordure: true, hautDeCellule: true)
    static let entier = StyleXLSX(formatNombre: "#,##0")
    static let decimal1 = StyleXLSX(formatNombre: "#,##0.0")
    static let decimal2 = StyleXLSX(formatNombre: "#,##0.00")
    static let jours = StyleXLSX(formatNombre: "#,##0.0\" j\"")
    static let etp = StyleXLSX(formatNombre: "#,##0.00\" ETP\"")
    static let pourcent = StyleXLSX(formatNombre: "0.0%")
    static let evolution = StyleXLSX(formatNombre: "+0.0%;-0.0%;0.0%")
    static let points = StyleXLSX(formatNombre: "+0.0\" pt\";-0.0\" pt\";0.0\" pt\"")
    static let date = StyleXLSX(formatNombre: "dd/mm/yyyy", alignement: .gauche)
    static let dateHeure = StyleXLSX(formatNombre: "dd/mm/yyyy hh:mm", alignement: .gauche)
    static let masque = StyleXLSX(italique: true, couleur: 0x595959, alignement: .droite)
    static let total = StyleXLSX(gras: true, formatNombre: "#,##0")
    /// Notes are not wrapped: they run over the empty cells to their right.
    static let note = StyleXLSX(italique: true, taille: 9, couleur: 0x404040)
    static let atteinte = StyleXLSX(gras: true, couleur: 0x006100, fond: 0xC6EFCE)
    static let nonAtteinte = StyleXLSX(gras: true, couleur: 0x9C0006, fond: 0xFFC7CE)

    static func pourUnite(_ u: Indicateur.Unite) -> StyleXLSX {
        switch u {
        case .nombre: return entier
        case .jours: return jours
        case .etp: return etp
        }
    }
}

/// A cell to write: text, a number with its style, a masked count, or nothing.
enum CelluleXLSX {
    case texte(String)
    /// Long text, wrapped in its column.
    case texteLong(String)
    case gras(String)
    case nombre(Double, StyleXLSX)
    case masque(String)
    case nonCalculable
    case vide
}

// MARK: - Writing the sheets

/// Writes the sheets of one report.
final class Redaction {
    let d: DonneesRapport
    let classeur: ClasseurXLSX
    let affichage: Affichage
    private var tables = 0

    init(d: DonneesRapport, classeur: ClasseurXLSX) {
        self.d = d
        self.classeur = classeur
        affichage = Affichage(seuil: d.seuil)
    }

    var t: TableauIndicateurs { d.tableau }
    var masqueLibelle: String { SecretStatistique.libelle(seuil: d.seuil) }
    var anneePrecedente: Int { d.annee - 1 }

    // MARK: Cells from the model

    func valeur(_ v: ValeurIndicateur?) -> CelluleXLSX {
        guard let v else { return .vide }
        if v.valeurMasquee { return .masque(masqueLibelle) }
        guard let x = v.valeur else { return .nonCalculable }
        return .nombre(x, Styles.pourUnite(v.indicateur.unite))
    }

    func taux(_ v: ValeurIndicateur?) -> CelluleXLSX {
        guard let v, v.aUnTaux else { return .vide }
        if v.tauxMasque { return .masque(masqueLibelle) }
        guard let x = v.taux else { return .nonCalculable }
        return .nombre(FormatFrancais.arrondi(x / 100, 4), Styles.pourcent)
    }

    /// A count outside the indicators (rows of a file…): masked in `externe` when small, like
    /// every count of the report.
    func effectif(_ n: Int) -> CelluleXLSX {
        let x = Double(n)
        return compte(x, masque: d.diffusion == .externe && SecretStatistique.estPetit(x, seuil: d.seuil))
    }

    func compte(_ x: Double?, masque: Bool) -> CelluleXLSX {
        if masque { return .masque(masqueLibelle) }
        guard let x else { return .vide }
        return .nombre(x, Styles.entier)
    }

    /// The rate when the indicator has one, else the value (what N-1 columns show).
    func principal(_ v: ValeurIndicateur?) -> CelluleXLSX {
        guard let v else { return .vide }
        return v.aUnTaux ? taux(v) : valeur(v)
    }

    func n(_ l: LigneRepartition?, unite: Indicateur.Unite = .nombre) -> CelluleXLSX {
        guard let l else { return .vide }
        if l.secondaire { return .masque(SecretStatistique.libelleSecondaire) }
        if l.masquee { return .masque(masqueLibelle) }
        guard let x = l.n else { return .vide }
        return .nombre(x, unite == .etp ? Styles.decimal2 : Styles.entier)
    }

    func part(_ l: LigneRepartition?) -> CelluleXLSX {
        guard let l, !l.masquee, !l.secondaire, let x = l.taux else { return .vide }
        return .nombre(FormatFrancais.arrondi(x / 100, 4), Styles.pourcent)
    }

    func statistique(_ v: ValeurIndicateur?, _ nom: String) -> CelluleXLSX {
        guard let s = v?.statistiques.first(where: { $0.nom == nom }) else { return .vide }
        if s.masquee { return .masque(masqueLibelle) }
        guard let x = s.valeur else { return .nonCalculable }
        switch nom {
        case "moyenne", "mediane", "p90": return .nombre(x, Styles.jours)
        case "sollicitations_par_personne": return .nombre(x, Styles.decimal2)
        default: return .nombre(x, Styles.entier)
        }
    }

    /// Relative change N / N-1 (or the difference in points for a rate), when both are shown.
    func evolution(_ v: ValeurIndicateur?, _ p: ValeurIndicateur?) -> CelluleXLSX {
        guard let v, let p else { return .vide }
        if v.aUnTaux {
            guard let a = v.taux, let b = p.taux else { return .vide }
            return .nombre(a - b, Styles.points)
        }
        guard let a = v.valeur, let b = p.valeur, b > 0 else { return .vide }
        return .nombre((a - b) / b, Styles.evolution)
    }

    // MARK: Sheet scaffolding

    /// A new sheet with its title, subtitle, print setup and column-width tracking.
    final class Feuille {
        let f: FeuilleXLSX
        var largeurs: [Int: Double] = [:]
        var ligne = 3

        init(_ f: FeuilleXLSX) { self.f = f }

        func mesurer(_ c: Int, _ texte: String, max: Double = 60) {
            let l = min(max, Double(texte.count) * 1.1 + 2)
            largeurs[c] = Swift.max(largeurs[c] ?? 8, l)
        }
    }

    func nouvelleFeuille(_ nom: String, titre: String) throws -> Feuille {
        let f = Feuille(try classeur.feuille(nom))
        try f.f.texte(0, 0, titre, Styles.titre)
        let diffusion = d.diffusion == .externe
            ? "diffusion externe (effectifs de 1 à \(d.seuil - 1) masqués)"
            : "diffusion interne (tous les effectifs)"
        try f.f.texte(1, 0, "\(d.nomC360) — année \(d.annee) — \(diffusion) — données extraites le \(Horodatage.francais(d.extraction))", Styles.sousTitre)
        try f.f.hauteur(0, 22)
        try f.f.miseEnPage(enTete: d.nomC360, piedGauche: "Rapport d'activité \(d.annee)",
                           piedDroit: "Diffusion \(d.diffusion.rawValue)", lignesRepetees: 0...1)
        return f
    }

    func ecrire(_ c: CelluleXLSX, _ f: Feuille, _ l: Int, _ col: Int) throws {
        switch c {
        case .texte(let s):
            try f.f.texte(l, col, s, Styles.texte)
            f.mesurer(col, s)
        case .texteLong(let s):
            try f.f.texte(l, col, s, Styles.texteLong)
        case .gras(let s):
            try f.f.texte(l, col, s, Styles.texteGras)
            f.mesurer(col, s)
        case .nombre(let x, let style):
            try f.f.nombre(l, col, x, style)
            f.mesurer(col, FormatFrancais.nombre(x, decimalesMax: 2) + "    ")
        case .masque(let s):
            try f.f.texte(l, col, s, Styles.masque)
            f.mesurer(col, s)
        case .nonCalculable:
            try f.f.texte(l, col, Affichage.nonCalculable, Styles.masque)
        case .vide:
            break
        }
    }

    /// A titled table: header, rows, an Excel table with filters, an optional note. Returns
    /// the row of the header and moves the sheet's cursor below the block.
    @discardableResult
    func bloc(_ f: Feuille, titre: String?, entetes: [String], lignes: [[CelluleXLSX]], note: String? = nil,
              colonne: Int = 0, tableExcel: Bool = true) throws -> Int {
        var l = f.ligne
        if let titre {
            try f.f.texte(l, colonne, titre, Styles.intertitre)
            l += 1
        }
        let ligneEntete = l
        if tableExcel && !lignes.isEmpty {
            tables += 1
            try f.f.tableau(l, colonne, l + lignes.count, colonne + entetes.count - 1, nom: "T\(tables)", entetes: entetes, style: Styles.entete)
        } else {
            for (i, e) in entetes.enumerated() { try f.f.texte(l, colonne + i, e, Styles.entete) }
        }
        for (i, e) in entetes.enumerated() { f.mesurer(colonne + i, e, max: 30) }
        for r in lignes {
            l += 1
            for (i, c) in r.enumerated() { try ecrire(c, f, l, colonne + i) }
        }
        l += 1
        if let note {
            try f.f.texte(l, colonne, note, Styles.note)
            l += 1
        }
        f.ligne = l + 1
        return ligneEntete
    }

    func terminer(_ f: Feuille, figer: Int? = nil) throws {
        for (c, largeur) in f.largeurs { try f.f.largeur(c, c, largeur) }
        if let figer { f.f.figer(lignes: figer) }
    }

    func libelle(_ cle: String, _ code: String) -> String { Libelles.cle(cle, code: code) }

    /// Rows of a breakdown with N-1 beside: key label, n, share, n N-1, share N-1.
    func lignesRepartition(_ code: String, unite: Indicateur.Unite = .nombre) -> [[CelluleXLSX]] {
        let v = t[code], p = t.precedent(code)
        return (v?.repartition ?? []).map { l in
            let lp = p?.repartition.first { $0.cle == l.cle }
            return [.texte(libelle(l.cle, code)), n(l, unite: unite), part(l), n(lp, unite: unite), part(lp)]
        }
    }

    var entetesRepartition: [String] { ["Catégorie", "Nombre \(d.annee)", "Part \(d.annee)", "Nombre \(anneePrecedente)", "Part \(anneePrecedente)"] }

    // MARK: - Synthèse

    func synthese() throws {
        let f = try nouvelleFeuille("Synthèse", titre: "Rapport d'activité \(d.annee) — \(d.nomC360)")
        f.f.activer()
        f.f.couleurOnglet(Styles.bleu)
        let infos: [(String, CelluleXLSX)] = [
            ("Communauté 360", .texte(d.nomC360)),
            ("Département", .texte(d.departement)),
            ("Période", .texte("du \(d.periode.debut.francais) au \(d.periode.fin.francais)")),
            ("Comparaison", .texte("même période de \(anneePrecedente) (N-1)")),
            ("Diffusion", .texte(d.diffusion == .externe
                ? "externe — secret statistique : effectifs de 1 à \(d.seuil - 1) affichés « \(masqueLibelle) »"
                : "interne — tous les effectifs sont affichés ; ne pas diffuser hors de la C360")),
        ]
        var l = 3
        for (nom, c) in infos {
            try f.f.texte(l, 0, nom, Styles.texteGras)
            if case .texte(let valeur) = c { try f.f.fusionner(l, 1, l, 4, valeur, Styles.texte) }
            l += 1
        }
        try f.f.texte(l, 0, "Extraction des données", Styles.texteGras)
        try f.f.date(l, 1, d.extraction, Styles.dateHeure)
        f.ligne = l + 2

        let cles: [(String, String)] = [
            ("1.1", "Sollicitations reçues"), ("1.3", "dont demandes de recherche de solution"),
            ("1.5", "Solutions d'accompagnement proposées"), ("1.6", "Taux de solutions acceptées (décisions prises)"),
            ("1.7", "Délai moyen jusqu'à la première proposition"), ("2.1", "Situations accompagnées après repérage (aller vers)"),
            ("x.file_active", "File active au dernier jour de l'année"), ("x.personnes", "Personnes distinctes"),
            ("4.1", "ETP dédiés à la recherche de solutions"), ("4.2", "Acteurs référencés dans l'annuaire"),
            ("5.1", "Partenaires hors membres cœur"),
        ]
        let lignes: [[CelluleXLSX]] = cles.map { code, nom in
            let v = t[code], p = t.precedent(code)
            let estTaux = code == "1.6"
            return [.texte(nom), estTaux ? taux(v) : valeur(v), estTaux ? taux(p) : valeur(p),
                    evolution(estTaux ? v : v.map(sansTaux), estTaux ? p : p.map(sansTaux)), .texte(code)]
        }
        try bloc(f, titre: "Chiffres clés", entetes: ["Indicateur", "\(d.annee)", "\(anneePrecedente)", "Évolution", "N°"], lignes: lignes,
                 note: "Évolution : variation relative entre les deux années ; pour un taux, écart en points. n.c. : non calculable (dénominateur nul).")
        try terminer(f)
        try f.f.largeur(0, 0, 52)
        try f.f.largeur(1, 3, 16)
        try f.f.largeur(4, 4, 14)
    }

    /// The same value without its rate (to compare values rather than rates).
    func sansTaux(_ v: ValeurIndicateur) -> ValeurIndicateur {
        var c = v
        c.denominateur = nil
        c.denominateurRetenu = nil
        return c
    }

    // MARK: - Tableau de bord (the cahier des charges table)

    func tableauDeBord() throws {
        let f = try nouvelleFeuille("Tableau de bord", titre: "Tableau de bord d'indicateurs d'activité et de résultat — cahier des charges des C360")
        let entetes = ["Objectif", "N°", "Indicateur (libellé du cahier des charges)", "Cible", "Périodicité",
                       "Valeur \(d.annee)", "Taux \(d.annee)", "Numérateur", "Dénominateur", "N-1 (\(anneePrecedente))", "Atteinte de la cible"]
        let l0 = f.ligne
        for (i, e) in entetes.enumerated() { try f.f.texte(l0, i, e, Styles.entete) }
        try f.f.hauteur(l0, 32)
        var l = l0 + 1
        let officiels = t.officiels
        var i = 0
        while i < officiels.count {
            let objectif = officiels[i].indicateur.objectif
            var j = i
            while j < officiels.count && officiels[j].indicateur.objectif == objectif { j += 1 }
            let texteObjectif = "\(objectif). " + (Libelles.objectifs[objectif] ?? "")
            if j - i > 1 {
                try f.f.fusionner(l, 0, l + (j - i) - 1, 0, texteObjectif, Styles.objectif)
            } else {
                try f.f.texte(l, 0, texteObjectif, Styles.objectif)
            }
            // The objective's text must fit in its rows (about 36 characters a line, 12 points a line).
            let hauteurObjectif = Double((texteObjectif.count + 35) / 36) * 12.5 + 4
            for k in i..<j {
                let v = officiels[k]
                let p = t.precedent(v.code)
                try f.f.texte(l, 1, v.code, Styles.cellule)
                try f.f.texte(l, 2, v.indicateur.libelle, Styles.cellule)
                try f.f.texte(l, 3, affichage.cible(v), Styles.cellule)
                try f.f.texte(l, 4, Libelles.periodicite(v.indicateur.periodicite), Styles.cellule)
                try ecrire(valeur(v), f, l, 5)
                try ecrire(taux(v), f, l, 6)
                if v.aUnTaux {
                    try ecrire(compte(v.numerateur, masque: v.numerateurMasque), f, l, 7)
                    try ecrire(compte(v.denominateur, masque: v.denominateurMasque), f, l, 8)
                }
                try ecrire(principal(p), f, l, 9)
                try f.f.texte(l, 10, affichage.atteinte(v), Styles.cellule)
                try f.f.hauteur(l, max(v.indicateur.libelle.count > 60 ? 45 : 30, hauteurObjectif / Double(j - i)))
                l += 1
            }
            i = j
        }
        try f.f.formatSiTexteCommencePar(l0 + 1, 10, l - 1, 10, "atteinte", Styles.atteinte)
        try f.f.formatSiTexteCommencePar(l0 + 1, 10, l - 1, 10, "non atteinte", Styles.nonAtteinte)
        try f.f.texte(l + 1, 0, "La cible vient de la feuille de route (observatoire.yml) ; pour un indicateur avec un taux, c'est le taux qui est comparé à la cible. Atteinte : le mot est écrit, la couleur ne fait que le souligner. n.c. : non calculable.", Styles.note)
        try f.f.largeur(0, 0, 34)
        try f.f.largeur(1, 1, 6)
        try f.f.largeur(2, 2, 58)
        try f.f.largeur(3, 4, 13)
        try f.f.largeur(5, 9, 13)
        try f.f.largeur(10, 10, 16)
        f.f.figer(lignes: l0 + 1)
    }

    // MARK: - Mensuel

    func mensuel() throws {
        let f = try nouvelleFeuille("Mensuel", titre: "Sollicitations reçues chaque mois (indicateur 1.1)")
        let mois = t["1.1"]?.repartition ?? []
        let precedents = t.precedent("1.1")?.repartition ?? []
        var lignes: [[CelluleXLSX]] = []
        for (i, m) in mois.enumerated() {
            let p = i < precedents.count ? precedents[i] : nil
            var ev = CelluleXLSX.vide
            if let a = m.n, let b = p?.n, b > 0 { ev = .nombre((a - b) / b, Styles.evolution) }
            let nom = m.cle.count == 7 ? Periode.nomsDesMois[(Int(m.cle.suffix(2)) ?? 1) - 1] : m.cle
            lignes.append([.texte(nom), n(m), n(p), ev])
        }
        let entete = try bloc(f, titre: nil, entetes: ["Mois", "\(d.annee)", "\(anneePrecedente)", "Évolution"], lignes: lignes)
        let totalLigne = entete + lignes.count + 1
        try ecrire(.gras("Total de l'année"), f, totalLigne, 0)
        try ecrire(valeur(t["1.1"]), f, totalLigne, 1)
        try ecrire(valeur(t.precedent("1.1")), f, totalLigne, 2)
        try ecrire(evolution(t["1.1"], t.precedent("1.1")), f, totalLigne, 3)
        try f.f.texte(2, 0, "Graphique : colonnes pleines pour \(d.annee), contour pointillé pour \(anneePrecedente) ; un mois masqué par le secret statistique n'y apparaît pas.", Styles.note)
        if !lignes.isEmpty {
            let g = try classeur.graphique(.colonnes)
            g.titre("Sollicitations reçues par mois, \(d.annee) et \(anneePrecedente)")
            try g.serie(nom: "\(d.annee)", feuille: f.f, lignes: (entete + 1)...(entete + lignes.count), colonneCategories: 0, colonneValeurs: 1,
                        trace: .init(remplissage: 0x0072B2, contour: 0x0072B2, etiquettes: true))
            // libxlsxwriter 1.1.4 (Debian 12) cannot combine a column and a line chart: N-1 is
            // drawn as outlined columns over N, in the same slot.
            try g.serie(nom: "\(anneePrecedente)", feuille: f.f, lignes: (entete + 1)...(entete + lignes.count), colonneCategories: 0, colonneValeurs: 2,
                        trace: .init(sansRemplissage: true, contour: 0xD55E00, epaisseur: 2.25, tirets: true))
            g.superposer()
            g.axes(x: "Mois", y: "Sollicitations", formatY: "#,##0")
            g.legendeEnBas()
            try f.f.inserer(g, 3, 5, echelleX: 1.5, echelleY: 1.3, description: "Sollicitations reçues par mois en \(d.annee), comparées à \(anneePrecedente) ; les chiffres sont dans le tableau à gauche.")
        }
        try terminer(f, figer: entete + 1)
    }

    // MARK: - Profils, problématiques

    func profils() throws {
        let f = try nouvelleFeuille("Profils", titre: "Sollicitations selon le profil de la personne concernée (indicateur 1.2)")
        let lignes = lignesRepartition("1.2")
        let entete = try bloc(f, titre: nil, entetes: entetesRepartition, lignes: lignes,
                              note: "Part : sur l'ensemble des sollicitations de l'année (\(affichage.valeur(t["1.2"]!)) en \(d.annee)).")
        try graphiqueBarres(f, "Sollicitations par profil, \(d.annee)", lignes: (entete + 1)...(entete + lignes.count), position: (3, 7), axe: "Sollicitations")
        try terminer(f, figer: entete + 1)
    }

    func graphiqueBarres(_ f: Feuille, _ titre: String, lignes: ClosedRange<Int>, position: (Int, Int), axe: String,
                         colonneValeurs: Int = 1, format: String = "#,##0") throws {
        guard lignes.count > 0 else { return }
        let g = try classeur.graphique(.barres)
        g.titre(titre)
        try g.serie(nom: "\(d.annee)", feuille: f.f, lignes: lignes, colonneCategories: 0, colonneValeurs: colonneValeurs,
                    trace: .init(remplissage: 0x0072B2, etiquettes: true))
        g.axeValeursHorizontal(nom: axe, format: format)
        g.sansLegende()
        try f.f.inserer(g, position.0, position.1, echelleX: 1.3, echelleY: 1.2, description: "\(titre) ; les chiffres sont dans le tableau à gauche.")
    }

    func problematiques() throws {
        let f = try nouvelleFeuille("Problématiques", titre: "Types de problématique des demandes de recherche de solution (indicateur 1.3)")
        let lignes = lignesRepartition("1.3")
        let entete = try bloc(f, titre: nil, entetes: ["Type de problématique", "Nombre \(d.annee)", "Part des demandes", "Nombre \(anneePrecedente)", "Part \(anneePrecedente)"],
                              lignes: lignes,
                              note: "Part : sur les \(affichage.valeur(t["1.3"]!)) demandes de recherche de solution de l'année. Une demande peut porter plusieurs types : la somme des parts peut dépasser 100 %.")
        try graphiqueBarres(f, "Demandes de recherche de solution par type de problématique, \(d.annee)", lignes: (entete + 1)...(entete + lignes.count),
                            position: (3, 7), axe: "Demandes")
        try terminer(f, figer: entete + 1)
    }

    // MARK: - Propositions

    func lignesIndicateurs(_ codes: [String]) -> [[CelluleXLSX]] {
        codes.compactMap { code in
            guard let v = t[code] else { return nil }
            let p = t.precedent(code)
            return [.texte(code), .texte(v.indicateur.libelle), valeur(v),
                    v.aUnTaux ? compte(v.numerateur, masque: v.numerateurMasque) : .vide,
                    v.aUnTaux ? compte(v.denominateur, masque: v.denominateurMasque) : .vide,
                    taux(v), principal(p), .texte(affichage.cible(v)), .texte(affichage.atteinte(v))]
        }
    }

    var entetesIndicateurs: [String] {
        ["N°", "Indicateur", "Valeur \(d.annee)", "Numérateur", "Dénominateur", "Taux \(d.annee)", "N-1 (\(anneePrecedente))", "Cible", "Atteinte"]
    }

    func propositions() throws {
        let f = try nouvelleFeuille("Propositions", titre: "Solutions d'accompagnement proposées et acceptées (1.4 à 1.6, 2.2, 2.3)")
        let entete = try bloc(f, titre: "Indicateurs", entetes: entetesIndicateurs, lignes: lignesIndicateurs(["1.4", "1.5", "1.6", "2.2", "2.3"]),
                              note: "Règle de cohorte : une proposition compte avec l'année de sa sollicitation. 1.5 : taux = demandes de recherche de solution ayant reçu au moins une proposition. 1.6 : taux sur les décisions prises ; les propositions en attente sont comptées à part.")
        f.largeurs[1] = 60
        try bloc(f, titre: "Décisions sur les propositions (1.6)", entetes: entetesRepartition, lignes: lignesRepartition("1.6"),
                 note: "Part : sur toutes les propositions de l'année, y compris celles en attente de décision.")
        try terminer(f, figer: entete + 1)
    }

    // MARK: - Délais

    func delais() throws {
        let f = try nouvelleFeuille("Délais", titre: "Délai entre la sollicitation et la première proposition (indicateur 1.7)")
        let v = t["1.7"], p = t.precedent("1.7")
        let stats = ["n", "moyenne", "mediane", "p90", "sans_proposition"]
        let lignes: [[CelluleXLSX]] = stats.map { [.texte(Libelles.statistique($0)), statistique(v, $0), statistique(p, $0)] }
        let entete = try bloc(f, titre: "Statistiques", entetes: ["Statistique", "\(d.annee)", "\(anneePrecedente)"], lignes: lignes,
                              note: "Délais en jours calendaires. Médiane et 90e centile au rang le plus proche. Cible : \(v.map { affichage.cible($0) } ?? "") — \(v.map { affichage.atteinte($0) } ?? "").")
        let tranches = lignesRepartition("x.delais")
        let enteteTranches = try bloc(f, titre: "Répartition des délais", entetes: ["Délai", "Nombre \(d.annee)", "Part \(d.annee)", "Nombre \(anneePrecedente)", "Part \(anneePrecedente)"],
                                      lignes: tranches, note: "Part : sur les sollicitations ayant reçu au moins une proposition.")
        if !tranches.isEmpty {
            let g = try classeur.graphique(.colonnes)
            g.titre("Délai jusqu'à la première proposition, \(d.annee)")
            try g.serie(nom: "\(d.annee)", feuille: f.f, lignes: (enteteTranches + 1)...(enteteTranches + tranches.count), colonneCategories: 0,
                        colonneValeurs: 1, trace: .init(remplissage: 0x009E73, etiquettes: true))
            g.axes(x: "Délai", y: "Sollicitations", formatY: "#,##0")
            g.sansLegende()
            try f.f.inserer(g, 3, 7, echelleX: 1.3, echelleY: 1.2, description: "Nombre de sollicitations par tranche de délai jusqu'à la première proposition en \(d.annee).")
        }
        let parTerritoire: [[CelluleXLSX]] = d.territoires.map { tt in
            let x = tt["1.7"]
            return [.texte(tt.territoire), statistique(x, "n"), valeur(x), statistique(x, "mediane"), statistique(x, "p90"), statistique(x, "sans_proposition")]
        }
        try bloc(f, titre: "Par territoire (\(d.annee))", entetes: ["Territoire", "Sollicitations avec proposition", "Délai moyen", "Médiane", "90e centile", "Sans proposition"],
                 lignes: parTerritoire)
        try terminer(f, figer: entete + 1)
    }

    // MARK: - Territoires

    func territoires() throws {
        let f = try nouvelleFeuille("Territoires", titre: "Indicateurs par territoire (\(d.annee))")
        let territoriaux = t.indicateurs.filter(\.indicateur.territorial)
        let noms = d.territoires.map(\.territoire)
        let valeurs: [[CelluleXLSX]] = territoriaux.map { v in
            [.texte(v.code), .texte(v.indicateur.libelle)] + d.territoires.map { valeur($0[v.code]) } + [valeur(v)]
        }
        let entete = try bloc(f, titre: "Valeurs (effectifs, délais)", entetes: ["N°", "Indicateur"] + noms + ["Ensemble"], lignes: valeurs,
                              note: "Les indicateurs de l'équipe, de l'annuaire et des membres cœur (4.1 à 5.1) portent sur toute la C360.")
        let avecTaux = territoriaux.filter(\.aUnTaux)
        let lignesTaux: [[CelluleXLSX]] = avecTaux.map { v in
            [.texte(v.code), .texte(v.indicateur.libelle)] + d.territoires.map { taux($0[v.code]) } + [taux(v)]
        }
        try bloc(f, titre: "Taux", entetes: ["N°", "Indicateur"] + noms + ["Ensemble"], lignes: lignesTaux)
        f.largeurs[1] = 55
        try terminer(f, figer: entete + 1)
    }

    // MARK: - Équipe et partenaires

    func equipe() throws {
        let f = try nouvelleFeuille("Équipe et partenaires", titre: "Équipe, annuaire et partenaires (4.1 à 4.3, 5.1)")
        let entete = try bloc(f, titre: "Indicateurs", entetes: entetesIndicateurs, lignes: lignesIndicateurs(["4.1", "4.2", "4.3", "5.1"]),
                              note: "4.1 : ETP moyen sur l'année (chaque poste compte au prorata de ses jours dans l'année). 4.2 et 5.1 : acteurs référencés au 31/12.")
        f.largeurs[1] = 60
        try bloc(f, titre: "Annuaire : acteurs par catégorie (4.2)", entetes: entetesRepartition, lignes: lignesRepartition("4.2"))
        let membres: [[CelluleXLSX]] = (t["4.3"]?.repartition ?? []).map { [.texte($0.cle), n($0, unite: .etp)] }
        try bloc(f, titre: "Temps donné par chaque membre cœur en \(d.annee) (4.3, en ETP)", entetes: ["Membre cœur", "ETP"], lignes: membres)
        try terminer(f, figer: entete + 1)
    }

    // MARK: - Canaux et niveaux

    func canaux() throws {
        let f = try nouvelleFeuille("Canaux et niveaux", titre: "Canaux d'entrée, niveaux d'intervention et autres indicateurs complémentaires")
        var premiere: Int?
        for (code, titre) in [("x.type", "Type de demande"), ("x.canal", "Canal d'entrée"), ("x.niveau", "Niveau d'intervention"),
                              ("x.rapt", "Orientation vers la cellule RAPT / situations alarmantes"), ("x.age", "Tranche d'âge de la personne concernée")] {
            let h = try bloc(f, titre: titre, entetes: entetesRepartition, lignes: lignesRepartition(code))
            if premiere == nil { premiere = h }
        }
        let v = t["x.personnes"], p = t.precedent("x.personnes")
        try bloc(f, titre: "Personnes et file active", entetes: ["Mesure", "\(d.annee)", "\(anneePrecedente)"], lignes: [
            [.texte("Personnes distinctes"), valeur(v), valeur(p)],
            [.texte("Part des personnes revenues (au moins deux sollicitations)"), taux(v), taux(p)],
            [.texte("Sollicitations par personne"), statistique(v, "sollicitations_par_personne"), statistique(p, "sollicitations_par_personne")],
            [.texte("File active au dernier jour de l'année"), valeur(t["x.file_active"]), valeur(t.precedent("x.file_active"))],
            [.texte("Orientations vers la RAPT"), valeur(t["x.rapt"]), valeur(t.precedent("x.rapt"))],
        ], note: "File active : situations en accompagnement non clôturées au 31/12, quelle que soit l'année de leur sollicitation.")
        try terminer(f, figer: nil)
    }

    // MARK: - Qualité des données

    func qualite() throws {
        let f = try nouvelleFeuille("Qualité des données", titre: "Qualité des données : fichiers importés et lignes rejetées")
        let q = d.qualite
        let tables = q.tables.filter { $0.enregistrees + $0.rejetees + $0.avertissements > 0 }
        let entete = try bloc(f, titre: "État actuel de la base", entetes: ["Table", "Lignes enregistrées", "Lignes rejetées", "Avertissements"],
                              lignes: tables.map { [.texte($0.table), effectif($0.enregistrees), effectif($0.rejetees), effectif($0.avertissements)] }
                                + [[.gras("Total"), effectif(q.totalImportees), effectif(q.totalRejetees), effectif(q.totalAvertissements)]],
                              note: "L'état présent de la base, pas la somme des imports : un tableur réexporté en entier chaque mois ne compte qu'une fois. Rejetées : lignes des exports actuels qui ne sont pas dans la base (à corriger). Avertissements : lignes enregistrées auxquelles il manque une information.",
                              tableExcel: false)
        let lignes: [[CelluleXLSX]] = q.imports.map { i in
            [.texte(i.fichier), .texte(i.table), .texte(i.profil ?? "—"), .texte(Redaction.dateImport(i.date)), effectif(i.lues), effectif(i.importees), effectif(i.rejetees)]
        }
        try bloc(f, titre: "Fichiers de l'état actuel", entetes: ["Fichier", "Table", "Profil", "Importé le", "Lignes lues", "Importées", "Rejetées"], lignes: lignes,
                 note: "Le dernier import de chaque source. Chaque ligne lue est importée ou rejetée avec son motif : lues = importées + rejetées.")
        let rejets: [[CelluleXLSX]] = q.rejetsParRegle.map { [.texte($0.regle), .texte($0.libelle), effectif($0.n)] }
        try bloc(f, titre: "Lignes rejetées par motif", entetes: ["Règle", "Motif", "Lignes"], lignes: rejets,
                 note: rejets.isEmpty ? "Aucune ligne rejetée dans l'état actuel." : "Le détail (fichier, ligne, colonne, valeur, où corriger) : commande « c360 rejets » (document interne).")
        if !q.avertissementsParRegle.isEmpty {
            try bloc(f, titre: "Avertissements par motif", entetes: ["Règle", "Motif", "Lignes"],
                     lignes: q.avertissementsParRegle.map { [.texte($0.regle), .texte($0.libelle), effectif($0.n)] },
                     note: "Lignes enregistrées et comptées, auxquelles il manque une information utile à un indicateur.")
        }
        try terminer(f, figer: entete + 1)
    }

    static func dateImport(_ iso: String) -> String {
        // 2025-03-04T10:22:00Z → 04/03/2025 10:22
        guard iso.count >= 16 else { return iso }
        let c = Array(iso)
        return "\(String(c[8...9]))/\(String(c[5...6]))/\(String(c[0...3])) \(String(c[11...15]))"
    }

    // MARK: - Méthodologie

    func methodologie() throws {
        let f = try nouvelleFeuille("Méthodologie", titre: "Méthodologie et définitions des indicateurs")
        var l = f.ligne
        for paragraphe in Redaction.paragraphes(d.methodologie) {
            if paragraphe.hasPrefix("## ") || paragraphe.hasPrefix("# ") {
                try f.f.texte(l, 0, paragraphe.drop(while: { $0 == "#" }).trimmingCharacters(in: .whitespaces), Styles.intertitre)
            } else {
                try f.f.fusionner(l, 0, l, 6, paragraphe, Styles.texteLong)
                try f.f.hauteur(l, Double(max(1, (paragraphe.count + 139) / 140)) * 15 + 3)
            }
            l += 1
        }
        f.ligne = l + 1
        let lignes: [[CelluleXLSX]] = d.indicateurs.map { i in
            [.texte(i.code), .texteLong(i.libelle), .texte(Libelles.periodicite(i.periodicite)), .texte(i.unite.rawValue),
             .texteLong(i.definition), .texte("Queries/\(i.fichier)")]
        }
        let entete = try bloc(f, titre: "Définitions exactes (une requête SQL lisible par indicateur)", entetes: ["N°", "Indicateur", "Périodicité", "Unité", "Définition", "Requête"],
                              lignes: lignes)
        for k in 0..<lignes.count {
            try f.f.hauteur(entete + 1 + k, Double(max(2, (d.indicateurs[k].definition.count + 89) / 90)) * 15)
        }
        try terminer(f)
        try f.f.largeur(1, 1, 40)
        try f.f.largeur(4, 4, 90)
        try f.f.largeur(5, 5, 38)
    }

    /// Markdown text as paragraphs: headings alone, list items with a bullet, other lines joined.
    static func paragraphes(_ markdown: String) -> [String] {
        var resultat: [String] = []
        var courant = ""
        func finir() {
            if !courant.isEmpty { resultat.append(courant) }
            courant = ""
        }
        for ligne in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let t = ligne.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { finir(); continue }
            if t.hasPrefix("#") { finir(); resultat.append(t); continue }
            if t.hasPrefix("- ") || t.hasPrefix("* ") { finir(); courant = "• " + t.dropFirst(2); continue }
            courant += (courant.isEmpty ? "" : " ") + t
        }
        finir()
        return resultat.map { $0.replacingOccurrences(of: "**", with: "") }
    }
}
