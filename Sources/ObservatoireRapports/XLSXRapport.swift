import Foundation
import ObservatoireCore
import ObservatoireIndicateurs

/// Lays the report document out as an Excel workbook (libxlsxwriter): one sheet per section
/// of the plan, each block in turn — tables as Excel tables, breakdowns with a native chart
/// beside their table. Figures are numbers with their format; a value in words (« moins de 5 »,
/// « non collecté ») is text, so that no cell, hidden place or chart series holds a withheld
/// figure. A chart whose series holds a value in words is not drawn (Excel would plot it as 0).
///
/// ```swift
/// let url = try RapportXLSX.ecrire(document, dans: dossierRapports, nom: "rapport.xlsx")
/// ```
public enum RapportXLSX {
    @discardableResult
    public static func ecrire(_ doc: DocumentRapport, dans dossier: URL, nom: String) throws -> URL {
        let url = dossier.appendingPathComponent(nom)
        try ecrire(doc, vers: url)
        return url
    }

    public static func ecrire(_ doc: DocumentRapport, vers url: URL) throws {
        let classeur = try ClasseurXLSX(chemin: url.path)
        let r = MiseEnPageXLSX(doc: doc, classeur: classeur)
        for (k, s) in doc.sections.enumerated() { try r.section(s, premiere: k == 0) }
        try classeur.proprietes(
            titre: doc.titrePage,
            sujet: "Indicateurs du cahier des charges des Communautés 360 (circulaire DGCS/SD3/2021/236)",
            auteur: "Observatoire 360 — \(doc.nomC360)", societe: doc.nomC360,
            motsCles: "Communauté 360, COTER, CNSA, indicateurs, \(doc.departement)",
            commentaires: "\(doc.libelleDiffusion). Données extraites le \(Horodatage.francais(doc.extraction)).",
            creation: doc.extraction)
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
    static let avertissement = StyleXLSX(gras: true, couleur: 0x7A4100, retourALaLigne: true, hautDeCellule: true)
    static let groupe = StyleXLSX(gras: true, couleur: 0x1F3864, fond: 0xDDEBF7, retourALaLigne: true, bordure: true, hautDeCellule: true)
    static let masque = StyleXLSX(italique: true, couleur: 0x595959, alignement: .droite)
    static let note = StyleXLSX(italique: true, taille: 9, couleur: 0x404040)
    static let noteLongue = StyleXLSX(italique: true, taille: 9, couleur: 0x404040, retourALaLigne: true, hautDeCellule: true)
    static let atteinte = StyleXLSX(gras: true, couleur: 0x006100, fond: 0xC6EFCE)
    static let nonAtteinte = StyleXLSX(gras: true, couleur: 0x9C0006, fond: 0xFFC7CE)
    static let dateHeure = StyleXLSX(formatNombre: "dd/mm/yyyy hh:mm", alignement: .gauche)

    static func pour(_ f: Mesure.Format) -> StyleXLSX {
        switch f {
        case .entier: return StyleXLSX(formatNombre: "#,##0")
        case .decimal1: return StyleXLSX(formatNombre: "#,##0.0")
        case .decimal2: return StyleXLSX(formatNombre: "#,##0.00")
        case .jours: return StyleXLSX(formatNombre: "#,##0.0\" j\"")
        case .etp: return StyleXLSX(formatNombre: "#,##0.00\" ETP\"")
        case .pourcent: return StyleXLSX(formatNombre: "0.0%")
        case .evolution: return StyleXLSX(formatNombre: "+0.0%;-0.0%;0.0%")
        case .points: return StyleXLSX(formatNombre: "+0.0\" pt\";-0.0\" pt\";0.0\" pt\"")
        }
    }
}

/// Writes the sheets of one document.
final class MiseEnPageXLSX {
    let doc: DocumentRapport
    let classeur: ClasseurXLSX
    private var tables = 0
    /// Excel tables need unique names across the workbook.
    private var largeurTexte = 100

    init(doc: DocumentRapport, classeur: ClasseurXLSX) {
        self.doc = doc
        self.classeur = classeur
    }

    final class Feuille {
        let f: FeuilleXLSX
        var largeurs: [Int: Double] = [:]
        var ligne = 3

        init(_ f: FeuilleXLSX) { self.f = f }

        func mesurer(_ c: Int, _ texte: String, max: Double = 60) {
            let plusLongue = texte.split(separator: "\n").map(\.count).max() ?? 0
            let l = min(max, Double(plusLongue) * 1.1 + 2)
            largeurs[c] = Swift.max(largeurs[c] ?? 8, l)
        }
    }

    func section(_ s: SectionDocument, premiere: Bool) throws {
        let f = Feuille(try classeur.feuille(s.onglet))
        try f.f.texte(0, 0, s.titre, Styles.titre)
        try f.f.hauteur(0, 22)
        let diffusion = doc.diffusion == .externe
            ? "diffusion externe (effectifs de 1 à \(doc.seuil - 1) masqués)" : "diffusion interne (tous les effectifs)"
        let quand = doc.genre == .consolidation
            ? "consolidation des exports externes des C360, faite le \(Horodatage.francais(doc.extraction))"
            : "\(diffusion) — données extraites le \(Horodatage.francais(doc.extraction))"
        try f.f.texte(1, 0, "\(doc.sousTitre) — \(quand)", Styles.sousTitre)
        try f.f.miseEnPage(enTete: doc.nomC360, piedGauche: doc.titre, piedDroit: doc.libelleDiffusion, lignesRepetees: 0...1)
        if premiere {
            f.f.activer()
            f.f.couleurOnglet(Styles.bleu)
            try identite(f)
        }
        var premiereTable: Int?
        for b in s.blocs {
            let l = try bloc(b, f)
            if premiereTable == nil { premiereTable = l }
        }
        for (c, largeur) in f.largeurs { try f.f.largeur(c, c, largeur) }
        if let l = premiereTable { f.f.figer(lignes: l + 1) }
    }

    func identite(_ f: Feuille) throws {
        let qui: [(String, String)] = doc.genre == .consolidation
            ? [("Périmètre", doc.nomC360)] : [("Communauté 360", doc.nomC360), ("Département", doc.departement)]
        let infos: [(String, String)] = qui + [
            ("Document", doc.titre),
            ("Diffusion", doc.diffusion == .externe
                ? "externe — secret statistique : effectifs de 1 à \(doc.seuil - 1) écrits « moins de \(doc.seuil) »"
                : "interne — tous les effectifs sont affichés ; ne pas diffuser hors de la C360"),
        ]
        var l = f.ligne
        for (nom, valeur) in infos {
            try f.f.texte(l, 0, nom, Styles.texteGras)
            try f.f.fusionner(l, 1, l, 5, valeur, Styles.texte)
            f.mesurer(0, nom)
            l += 1
        }
        try f.f.texte(l, 0, doc.genre == .consolidation ? "Consolidation faite le" : "Extraction des données", Styles.texteGras)
        try f.f.date(l, 1, doc.extraction, Styles.dateHeure)
        f.ligne = l + 2
    }

    /// Writes a block at the sheet's cursor; returns the header row of its table, if any.
    @discardableResult
    func bloc(_ b: Bloc, _ f: Feuille) throws -> Int? {
        switch b {
        case .paragraphe(let t, let style):
            let s: StyleXLSX
            switch style {
            case .normal, .chapeau: s = Styles.texteLong
            case .precision: s = Styles.noteLongue
            case .avertissement, .bilan: s = Styles.avertissement
            }
            try texteLong(t, f, s)
            return nil
        case .titre(let t):
            f.ligne += 1
            try f.f.texte(f.ligne, 0, t, Styles.intertitre)
            f.ligne += 1
            return nil
        case .chiffresCles(let cartes):
            return try chiffresCles(cartes, f)
        case .tableau(let t):
            return try tableau(t, f).entete
        case .figure(let fig):
            return try figure(fig, f)
        case .notes(let notes):
            for n in notes { try texteLong(n, f, Styles.noteLongue) }
            f.ligne += 1
            return nil
        case .markdown(let md, _):
            for p in MiseEnPageXLSX.paragraphes(md) {
                if p.hasPrefix("#") {
                    try f.f.texte(f.ligne, 0, p.drop(while: { $0 == "#" }).trimmingCharacters(in: .whitespaces), Styles.intertitre)
                    f.ligne += 1
                } else {
                    try texteLong(p, f, Styles.texteLong)
                }
            }
            f.ligne += 1
            return nil
        case .tendances:
            return nil
        case .carte(let c):
            // The workbook keeps the map's figures as a table (département, value, colour class).
            let r = try tableau(c.tableau, f)
            if let note = c.note { try texteLong(note, f, Styles.noteLongue) }
            return r.entete
        case .definitions(let d):
            let t = TableauDocument(legende: "", enTeteLignes: "Indicateur", avecCode: true, colonnes: ["Définition", "Précisions"],
                                    groupes: [GroupeDocument(titre: nil, lignes: d.map { LigneDocument(code: $0.code, entete: $0.titre, cellules: [.texte($0.texte), .texte($0.precision ?? "")]) })])
            let r = try tableau(t, f, textesLongs: true)
            for k in 0..<d.count {
                let h = Double(max(2, (d[k].texte.count + 89) / 90)) * 15
                try f.f.hauteur(r.entete + 1 + k, h)
            }
            f.largeurs[1] = 45
            f.largeurs[2] = 90
            f.largeurs[3] = 40
            return r.entete
        }
    }

    /// A paragraph over the first columns, wrapped, its row high enough.
    func texteLong(_ t: String, _ f: Feuille, _ style: StyleXLSX) throws {
        try f.f.fusionner(f.ligne, 0, f.ligne, 7, t, style)
        try f.f.hauteur(f.ligne, Double(max(1, (t.count + largeurTexte - 1) / largeurTexte)) * 15 + 3)
        f.ligne += 1
    }

    // MARK: Cells

    func ecrire(_ m: Mesure, _ f: Feuille, _ l: Int, _ c: Int) throws {
        switch m.etat {
        case .valeur:
            if let x = m.nombre {
                let nombre = m.format == .pourcent || m.format == .evolution ? FormatFrancais.arrondi(x / 100, 4) : x
                try f.f.nombre(l, c, nombre, Styles.pour(m.format))
                f.mesurer(c, m.texte + "  ")
            } else {
                try f.f.texte(l, c, m.texte, Styles.texte)
            }
        case .masque, .statut:
            try f.f.texte(l, c, m.texte, Styles.masque)
            f.mesurer(c, m.texte)
        case .vide:
            if m.texte == "—" { try f.f.texte(l, c, m.texte, Styles.masque) }
        }
    }

    func ecrire(_ cellule: Cellule, _ f: Feuille, _ l: Int, _ c: Int, long: Bool = false) throws {
        switch cellule {
        case .texte(let s):
            guard !s.isEmpty else { return }
            try f.f.texte(l, c, s, long ? Styles.texteLong : Styles.texte)
            if !long { f.mesurer(c, s) }
        case .mesure(let m):
            try ecrire(m, f, l, c)
        case .valeurEtTaux(let v, let t):
            // One figure per cell: the rate when there is one, else the value.
            try ecrire(t ?? v, f, l, c)
        case .atteinte(let a):
            let style: StyleXLSX
            switch a {
            case .atteinte: style = Styles.atteinte
            case .nonAtteinte: style = Styles.nonAtteinte
            case .sansCible, .nonJugee: style = Styles.masque
            }
            try f.f.texte(l, c, a.texte, style)
            f.mesurer(c, a.texte)
        case .vide:
            break
        }
    }

    // MARK: Tables

    /// A table at the sheet's cursor: header, group rows, rows, footer. Returns its header row,
    /// first column and first data column.
    func tableau(_ t: TableauDocument, _ f: Feuille, textesLongs: Bool = false) throws -> (entete: Int, premiereDonnee: Int, colonneEntete: Int) {
        var l = f.ligne
        if !t.legende.isEmpty {
            try f.f.texte(l, 0, t.legende, Styles.texteGras)
            l += 1
        }
        let entetes = (t.avecCode ? ["N°"] : []) + [t.enTeteLignes] + t.colonnes
        let colonneEntete = t.avecCode ? 1 : 0
        let premiere = colonneEntete + 1
        let ligneEntete = l
        let avecGroupes = t.groupes.contains { $0.titre != nil }
        let lignes = t.lignes
        let uniques = Set(entetes.map { $0.lowercased() }).count == entetes.count && !entetes.contains { $0.isEmpty }
        if !avecGroupes && uniques && !lignes.isEmpty {
            tables += 1
            try f.f.tableau(l, 0, l + lignes.count, entetes.count - 1, nom: "T\(tables)", entetes: entetes, style: Styles.entete)
        } else {
            for (i, e) in entetes.enumerated() { try f.f.texte(l, i, e, Styles.entete) }
        }
        for (i, e) in entetes.enumerated() { f.mesurer(i, e, max: 30) }
        func ecrireLigne(_ r: LigneDocument, gras: Bool = false) throws {
            l += 1
            if let code = r.code { try f.f.texte(l, 0, code, Styles.texte) }
            let entete = r.precision.map { "\(r.entete)\n\($0)" } ?? r.entete
            try f.f.texte(l, colonneEntete, entete, gras ? Styles.texteGras : (r.precision == nil && !textesLongs ? Styles.texte : Styles.texteLong))
            f.mesurer(colonneEntete, entete)
            if r.precision != nil { try f.f.hauteur(l, 30) }
            for (i, c) in r.cellules.enumerated() { try ecrire(c, f, l, premiere + i, long: textesLongs) }
        }
        for g in t.groupes {
            if let titre = g.titre {
                l += 1
                try f.f.fusionner(l, 0, l, entetes.count - 1, titre, Styles.groupe)
                try f.f.hauteur(l, Double(max(1, (titre.count + 119) / 120)) * 15 + 3)
            }
            for r in g.lignes { try ecrireLigne(r) }
        }
        for r in t.pied { try ecrireLigne(r, gras: true) }
        f.ligne = l + 2
        if t.avecCode { f.largeurs[0] = max(f.largeurs[0] ?? 0, 8) }
        return (ligneEntete, premiere, colonneEntete)
    }

    // MARK: Figures

    func figure(_ fig: FigureDocument, _ f: Feuille) throws -> Int {
        let t = fig.tableau
        let r = try tableau(t, f)
        let lignes = t.lignes
        guard !lignes.isEmpty, [.barres, .colonnes, .points].contains(fig.graphique.genre) else { return r.entete }
        // A dot plot becomes ranked bars over its published rows (the first ones).
        let charte = fig.lignesGraphique.map { Array(lignes.prefix($0)) } ?? lignes
        guard !charte.isEmpty else { return r.entete }
        let debut = r.entete + 1, fin = r.entete + charte.count
        let colonne = r.premiereDonnee + fig.colonneSerie
        // A series with a value in words would be drawn as 0 by Excel: no chart then.
        let publiable = charte.allSatisfy { l in
            guard fig.colonneSerie < l.cellules.count, case .mesure(let m) = l.cellules[fig.colonneSerie] else { return false }
            return m.estChiffre
        }
        guard publiable else {
            try f.f.texte(f.ligne - 1, 0, "Pas de graphique dans le classeur : certaines valeurs ne sont pas publiées (voir le tableau).", Styles.note)
            f.ligne += 1
            return r.entete
        }
        let g = try classeur.graphique(fig.graphique.genre == .colonnes ? .colonnes : .barres)
        g.titre(fig.graphique.titre)
        try g.serie(nom: fig.graphique.nomSerie, feuille: f.f, lignes: debut...fin, colonneCategories: r.colonneEntete, colonneValeurs: colonne,
                    trace: .init(remplissage: 0x0072B2, contour: 0x0072B2, etiquettes: true))
        let precedentPubliable = fig.graphique.precedent != nil && charte.allSatisfy { l in
            guard fig.colonneSerie + 1 < l.cellules.count, case .mesure(let m) = l.cellules[fig.colonneSerie + 1] else { return false }
            return m.estChiffre
        }
        if precedentPubliable {
            // libxlsxwriter 1.1.4 (Debian 12) cannot combine a column and a line chart: N-1 is
            // drawn as outlined columns over N, in the same slot.
            try g.serie(nom: fig.graphique.nomPrecedent, feuille: f.f, lignes: debut...fin, colonneCategories: r.colonneEntete, colonneValeurs: colonne + 1,
                        trace: .init(sansRemplissage: true, contour: 0xD55E00, epaisseur: 2.25, tirets: true))
            g.superposer()
            g.legendeEnBas()
        } else {
            g.sansLegende()
        }
        // Ranked bars of a dot plot keep the unit of their figures (a rate in %, one decimal).
        let format = fig.graphique.genre != .points ? "#,##0"
            : (fig.graphique.unite == "%" ? "0.0%" : (fig.graphique.entiers ? "#,##0" : "#,##0.0"))
        if fig.graphique.genre != .colonnes {
            g.axeValeursHorizontal(nom: fig.graphique.axeX, format: format)
        } else {
            g.axes(x: fig.graphique.axeX, y: fig.graphique.axeY, formatY: format)
        }
        let largeurTable = r.premiereDonnee + t.colonnes.count
        try f.f.inserer(g, r.entete, largeurTable + 1, echelleX: 1.3, echelleY: 1.2,
                        description: "\(fig.graphique.titre) ; les chiffres sont dans le tableau à gauche.")
        // Leave room under a short table for the chart (about 20 rows high).
        f.ligne = max(f.ligne, r.entete + 22)
        return r.entete
    }

    // MARK: Key figures

    func chiffresCles(_ cartes: [ChiffreCle], _ f: Feuille) throws -> Int {
        let libellePrecedent = cartes.first?.libellePrecedent ?? "N-1"
        let t = TableauDocument(
            legende: "Chiffres clés", enTeteLignes: "Indicateur", avecCode: true,
            colonnes: ["Valeur", "Précisions", libellePrecedent, "Évolution", "Cible", "Atteinte de la cible"],
            groupes: [GroupeDocument(titre: nil, lignes: cartes.map { c in
                LigneDocument(code: c.code, entete: c.intitule, cellules: [
                    .mesure(c.principal), .texte(c.details.joined(separator: " ; ")), .mesure(c.precedent ?? .vide),
                    .mesure(c.evolution ?? .vide), .texte(c.cible ?? ""), .atteinte(c.atteinte),
                ])
            })])
        let r = try tableau(t, f)
        f.largeurs[r.premiereDonnee + 1] = 60
        return r.entete
    }

    /// Markdown text as paragraphs: headings alone, list items with a bullet, other lines joined.
    static func paragraphes(_ markdown: String) -> [String] {
        var resultat: [String] = []
        var courant = ""
        var commentaire = false
        func finir() {
            if !courant.isEmpty { resultat.append(courant) }
            courant = ""
        }
        for ligne in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let t = ligne.trimmingCharacters(in: .whitespaces)
            if commentaire { if t.contains("-->") { commentaire = false }; continue }
            if t.hasPrefix("<!--") { if !t.contains("-->") { commentaire = true }; continue }
            if t.isEmpty { finir(); continue }
            if t.hasPrefix("#") { finir(); resultat.append(t); continue }
            if t.hasPrefix("- ") || t.hasPrefix("* ") { finir(); courant = "• " + t.dropFirst(2); continue }
            courant += (courant.isEmpty ? "" : " ") + t
        }
        finir()
        return resultat.map { $0.replacingOccurrences(of: "**", with: "").replacingOccurrences(of: "`", with: "") }
    }
}
