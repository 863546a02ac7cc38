import Foundation
import ObservatoireCore

/// The charts of the consolidated reports, drawn like the others (inline SVG, no script, no
/// network, text of 11 px or more, labelled by `<title>` and `<desc>`, the figures also in a
/// table): a dot plot that ranks the C360s with the consolidated value and the target as lines,
/// and a tile map of départements.
extension SVG {
    /// Sequential blues, lightest first (ColorBrewer « Blues », darkened where white text sits
    /// on it: every text keeps a contrast of at least 4.5:1).
    static let palette = ["#DEEBF7", "#9ECAE1", "#6BAED6", "#2171B5", "#08306B"]
    /// The palette's colours for `k` classes, spread out.
    static func couleurs(_ k: Int) -> [String] {
        switch k {
        case ...1: return [palette[2]]
        case 2: return [palette[1], palette[3]]
        case 3: return [palette[0], palette[2], palette[4]]
        case 4: return [palette[0], palette[1], palette[3], palette[4]]
        default: return palette
        }
    }

    /// Dark text on the light blues, white on the dark ones.
    static func texteSur(_ fond: String) -> String {
        fond == palette[3] || fond == palette[4] ? "#FFFFFF" : couleurTexte
    }

    static let couleurNonPublie = "#FFFFFF"
    static let couleurSansFichier = "#EDEDED"
    static let couleurCible = "#B34700"

    // MARK: - Dot plot

    /// One row per item, the published ones ranked from the highest; a dot at the value, the
    /// value written at the end of the row; the consolidated value as a dashed line, a shared
    /// target as a solid one (each row's own target as a tick when targets differ). A row without
    /// a published figure has no dot, only its words.
    static func points(id: String, titre: String, description: String, axe: String, points: [PointGraphique], entiers: Bool,
                       unite: String, ensemble: RepereGraphique?, cible: RepereGraphique?, largeur: Double = 760) -> String {
        let taille = 12.0
        let libelles = points.map { couper($0.libelle, max: 30, lignes: 1)[0] }
        let largeurLibelles = min(largeur * 0.36, (libelles.map { largeurTexte($0, taille: taille) }.max() ?? 40) + 12)
        let largeurValeurs = max(70, (points.map { largeurTexte($0.texte, taille: taille) }.max() ?? 40) + 12)
        let gauche = 8 + largeurLibelles
        let droite = largeur - 8 - largeurValeurs
        let haut = 66.0
        let pas = 22.0
        let bas = haut + pas * Double(max(1, points.count))
        let hauteur = bas + 48
        let maximum = (points.compactMap { $0.masque ? nil : $0.valeur } + points.compactMap(\.cible)
                       + [ensemble?.valeur, cible?.valeur].compactMap { $0 }).max() ?? 0
        let ech = echelle(unite == "%" ? min(100, maximum) : maximum, graduations: 5, entiers: entiers)
        func x(_ v: Double) -> Double { gauche + (droite - gauche) * min(v, ech.haut) / ech.haut }

        var s = ouverture(id: id, titre: titre, description: description, largeur: largeur, hauteur: hauteur, classe: "graphique points")
        s += SVG.titre(titre, largeur: largeur)
        // Legend: the dot, the consolidated value, the target.
        var xl = 8.0
        s += "<circle class=\"serie-n\" cx=\"\(f(xl + 6))\" cy=\"43\" r=\"5\" fill=\"\(couleurN)\"/>"
        s += texte(xl + 16, 47, "valeur de la C360", classe: "legende")
        xl += 16 + largeurTexte("valeur de la C360", taille: 12) + 18
        if ensemble != nil {
            s += "<line class=\"ensemble\" x1=\"\(f(xl))\" x2=\"\(f(xl + 24))\" y1=\"43\" y2=\"43\" stroke=\"\(couleurTexte)\" stroke-width=\"2\" stroke-dasharray=\"5 3\"/>"
            s += texte(xl + 30, 47, "ensemble", classe: "legende")
            xl += 30 + largeurTexte("ensemble", taille: 12) + 18
        }
        if cible != nil || points.contains(where: { $0.cible != nil }) {
            s += "<line class=\"cible\" x1=\"\(f(xl + 6))\" x2=\"\(f(xl + 6))\" y1=\"35\" y2=\"51\" stroke=\"\(couleurCible)\" stroke-width=\"3\"/>"
            s += texte(xl + 16, 47, cible != nil ? "cible" : "cible de la C360", classe: "legende")
        }
        // Gridlines and graduations.
        var t = 0.0
        while t <= ech.haut + ech.pas / 1000 {
            s += "<line class=\"grille\" x1=\"\(f(x(t)))\" x2=\"\(f(x(t)))\" y1=\"\(f(haut - 6))\" y2=\"\(f(bas))\" stroke=\"\(couleurGrille)\" stroke-width=\"1\"/>"
            s += texte(x(t), bas + 16, graduation(t) + (unite == "%" ? "\u{00A0}%" : ""), classe: "graduation", taille: 11, ancre: "middle")
            if maximum <= 0 { break }
            t += ech.pas
        }
        s += texte((gauche + droite) / 2, bas + 38, axe, classe: "titre-axe", taille: 12, ancre: "middle")
        for (i, p) in points.enumerated() {
            let y = haut + pas * (Double(i) + 0.5)
            s += "<line class=\"guide\" x1=\"\(f(gauche))\" x2=\"\(f(droite))\" y1=\"\(f(y))\" y2=\"\(f(y))\" stroke=\"#E4E4E4\" stroke-width=\"1\"/>"
            s += texte(gauche - 8, y + 4, libelles[i], classe: "libelle", taille: taille, ancre: "end")
            if let c = p.cible, cible == nil {
                s += "<line class=\"cible\" x1=\"\(f(x(c)))\" x2=\"\(f(x(c)))\" y1=\"\(f(y - 8))\" y2=\"\(f(y + 8))\" stroke=\"\(couleurCible)\" stroke-width=\"3\"/>"
            }
            if let v = p.valeur, !p.masque {
                s += "<circle class=\"serie-n\" cx=\"\(f(x(v)))\" cy=\"\(f(y))\" r=\"5.5\" fill=\"\(couleurN)\"/>"
                s += texte(droite + 10, y + 4, p.texte, classe: "valeur", taille: taille)
            } else {
                s += texte(droite + 10, y + 4, p.texte, classe: "valeur masque", taille: taille, italique: true)
            }
        }
        if let c = cible {
            s += "<line class=\"cible\" x1=\"\(f(x(c.valeur)))\" x2=\"\(f(x(c.valeur)))\" y1=\"\(f(haut - 8))\" y2=\"\(f(bas))\" stroke=\"\(couleurCible)\" stroke-width=\"2.5\"/>"
            s += texte(x(c.valeur), haut - 10, c.texte, classe: "repere", taille: 11.5, ancre: x(c.valeur) > (gauche + droite) / 2 ? "end" : "start", halo: true)
        }
        if let e = ensemble {
            s += "<line class=\"ensemble\" x1=\"\(f(x(e.valeur)))\" x2=\"\(f(x(e.valeur)))\" y1=\"\(f(haut - 4))\" y2=\"\(f(bas + 4))\" stroke=\"\(couleurTexte)\" stroke-width=\"2\" stroke-dasharray=\"5 3\"/>"
        }
        return s + "</svg>"
    }

    // MARK: - Tile map

    /// Each département a square at its fixed place in the grid, coloured by its class, its code
    /// and its value written in it; squares without a figure are white (hatched) with their
    /// words, those without a file light grey. Only the rows and columns used are drawn (a region
    /// shows its départements alone). The legend is below the map.
    static func carte(id: String, titre: String, description: String, tuiles: [TuileCarte], classes: [String]) -> String {
        let cote = 60.0, ecart = 4.0, marge = 8.0
        let lignes = tuiles.map(\.ligne), colonnes = tuiles.map(\.colonne)
        let l0 = lignes.min() ?? 1, l1 = lignes.max() ?? 1, c0 = colonnes.min() ?? 1, c1 = colonnes.max() ?? 1
        let couleurs = SVG.couleurs(classes.count)
        let largeurGrille = Double(c1 - c0 + 1) * (cote + ecart)
        let largeur = max(480, marge * 2 + largeurGrille)
        // A long title goes on two lines rather than being cut (a region's map is narrow).
        let lignesTitre = couper(titre, max: Int((largeur - 16) / (15 * 0.56)))
        let hautGrille = 40.0 + Double(lignesTitre.count - 1) * 19
        let basGrille = hautGrille + Double(l1 - l0 + 1) * (cote + ecart)
        // Legend: one row per class, then « non publié » and « pas de fichier ».
        let lignesLegende = classes.count + 2
        let hauteur = basGrille + 20 + Double(lignesLegende) * 22 + 10

        var s = ouverture(id: id, titre: titre, description: description, largeur: largeur, hauteur: hauteur, classe: "graphique carte")
        s += "<defs><pattern id=\"\(id)-hachures\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
        s += "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"8\" stroke=\"#C8C8C8\" stroke-width=\"2\"/></pattern></defs>"
        for (k, ligne) in lignesTitre.enumerated() {
            s += texte(8, 22 + Double(k) * 19, ligne, classe: "titre-graphique", taille: 15, gras: true)
        }
        for t in tuiles {
            let x = marge + Double(t.colonne - c0) * (cote + ecart)
            let y = hautGrille + Double(t.ligne - l0) * (cote + ecart)
            let fond: String, encre: String, classe: String
            switch t.etat {
            case .valeur(let k):
                fond = couleurs[min(max(0, k), couleurs.count - 1)]
                encre = texteSur(fond)
                classe = "tuile classe-\(k)"
            case .nonPublie:
                fond = couleurNonPublie
                encre = couleurTexte
                classe = "tuile non-publie"
            case .sansFichier:
                fond = couleurSansFichier
                encre = "#4A4A4A"
                classe = "tuile sans-fichier"
            }
            s += "<g class=\"\(classe)\" data-departement=\"\(e(t.code))\"><title>\(e(t.nom + " (" + t.code + ") : " + t.libelle))</title>"
            s += "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(cote))\" height=\"\(f(cote))\" rx=\"3\" fill=\"\(fond)\" stroke=\"#8C8C8C\" stroke-width=\"1\"/>"
            if t.etat == .nonPublie {
                s += "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(cote))\" height=\"\(f(cote))\" rx=\"3\" fill=\"url(#\(id)-hachures)\" fill-opacity=\"0.6\"/>"
            }
            s += "<text x=\"\(f(x + cote / 2))\" y=\"\(f(y + 24))\" font-size=\"13\" font-weight=\"bold\" text-anchor=\"middle\" fill=\"\(encre)\">\(e(t.code))</text>"
            let valeur = t.texte.count > 9 ? String(t.texte.prefix(8)) + "…" : t.texte
            s += "<text x=\"\(f(x + cote / 2))\" y=\"\(f(y + 44))\" font-size=\"11\" text-anchor=\"middle\" fill=\"\(encre)\"\(t.etat == .nonPublie ? " font-style=\"italic\"" : "")>\(e(valeur))</text>"
            s += "</g>"
        }
        // Legend.
        var y = basGrille + 20
        s += texte(marge, y + 4, "Légende : plus la couleur est foncée, plus la valeur est élevée", classe: "legende", taille: 12, gras: true)
        y += 14
        for (k, libelle) in classes.enumerated() {
            s += "<rect x=\"\(f(marge))\" y=\"\(f(y))\" width=\"16\" height=\"16\" fill=\"\(couleurs[k])\" stroke=\"#8C8C8C\" stroke-width=\"1\"/>"
            s += texte(marge + 24, y + 13, libelle, classe: "legende", taille: 12)
            y += 22
        }
        s += "<rect x=\"\(f(marge))\" y=\"\(f(y))\" width=\"16\" height=\"16\" fill=\"url(#\(id)-hachures)\" stroke=\"#8C8C8C\" stroke-width=\"1\"/>"
        s += texte(marge + 24, y + 13, "non publié : masqué, non collecté ou non calculable (écrit dans le carré)", classe: "legende", taille: 12)
        y += 22
        s += "<rect x=\"\(f(marge))\" y=\"\(f(y))\" width=\"16\" height=\"16\" fill=\"\(couleurSansFichier)\" stroke=\"#8C8C8C\" stroke-width=\"1\"/>"
        s += texte(marge + 24, y + 13, "pas de fichier reçu pour la période", classe: "legende", taille: 12)
        return s + "</svg>"
    }
}
