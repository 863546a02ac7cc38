import Foundation
import ObservatoireCore

/// The report's charts, drawn as inline SVG by the project (no library, no script, no network):
/// column chart with an N-1 line, histogram, horizontal bars, small multiples, and the small
/// columns of the dashboard. Every chart is an `<svg role="img">` labelled by its `<title>` and
/// `<desc>`; its figures are also given in an HTML table by the caller. Colours follow the
/// Okabe–Ito colour-blind-safe palette and can be changed in `style.css`; N and N-1 differ by
/// shape too (bars against a dashed line with round markers). A masked value is drawn as no bar
/// with its text (« < 5 », « secret »), never as a number.
enum SVG {
    static let couleurN = "#0072B2"        // Okabe–Ito blue
    static let couleurN1 = "#D55E00"       // Okabe–Ito vermillion
    static let couleurTexte = "#1A1A1A"
    static let couleurGrille = "#C8C8C8"
    static let couleurAxe = "#595959"

    // MARK: - Helpers

    /// An SVG coordinate: a dot, at most one decimal (not the French format: it is markup).
    static func f(_ x: Double) -> String {
        let r = (x * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    static func e(_ s: String) -> String { HTMLTexte.echapper(s) }

    /// Rough width of a text in the report's sans-serif font.
    static func largeurTexte(_ s: String, taille: Double) -> Double { Double(s.count) * taille * 0.56 }

    /// Splits a label in at most `lignes` lines of about `max` characters, cutting at spaces.
    static func couper(_ texte: String, max: Int, lignes: Int = 2) -> [String] {
        guard texte.count > max else { return [texte] }
        var resultat: [String] = []
        var courante = ""
        for mot in texte.split(separator: " ") {
            if courante.isEmpty { courante = String(mot) } else if courante.count + 1 + mot.count <= max { courante += " " + mot } else {
                resultat.append(courante)
                courante = String(mot)
            }
        }
        if !courante.isEmpty { resultat.append(courante) }
        if resultat.count > lignes {
            var fin = resultat[lignes - 1]
            if fin.count > max - 1 { fin = String(fin.prefix(max - 1)) }
            resultat = Array(resultat.prefix(lignes - 1)) + [fin + "…"]
        }
        return resultat.map { $0.count > max ? String($0.prefix(max - 1)) + "…" : $0 }
    }

    /// A round scale: the top of the axis and the step between graduations.
    static func echelle(_ maximum: Double, graduations: Int = 5, entiers: Bool = true) -> (haut: Double, pas: Double) {
        guard maximum > 0, maximum.isFinite else { return (1, 1) }
        let brut = maximum / Double(graduations)
        let p = pow(10, floor(log10(brut)))
        let r = brut / p
        var pas = (r <= 1 ? 1 : r <= 2 ? 2 : r <= 2.5 ? 2.5 : r <= 5 ? 5 : 10) * p
        if entiers { pas = max(1, pas.rounded(.up)) }
        return (max(pas, (maximum / pas).rounded(.up) * pas), pas)
    }

    static func graduation(_ x: Double) -> String {
        FormatFrancais.nombre(x, decimalesMax: 2, espace: "\u{00A0}")
    }

    /// The opening of the chart: `<svg role="img">` with its title and description.
    static func ouverture(id: String, titre: String, description: String, largeur: Double, hauteur: Double, classe: String) -> String {
        """
        <svg class="\(classe)" role="img" aria-labelledby="\(id)-titre \(id)-desc" viewBox="0 0 \(f(largeur)) \(f(hauteur))" \
        width="\(f(largeur))" height="\(f(hauteur))" preserveAspectRatio="xMinYMin meet" focusable="false">\
        <title id="\(id)-titre">\(e(titre))</title><desc id="\(id)-desc">\(e(description))</desc>
        """
    }

    static func texte(_ x: Double, _ y: Double, _ contenu: String, classe: String, taille: Double = 12, ancre: String = "start",
                      gras: Bool = false, italique: Bool = false, rotation: Double? = nil, halo: Bool = false) -> String {
        var attributs = "x=\"\(f(x))\" y=\"\(f(y))\" font-size=\"\(f(taille))\""
        if ancre != "start" { attributs += " text-anchor=\"\(ancre)\"" }
        if gras { attributs += " font-weight=\"bold\"" }
        if italique { attributs += " font-style=\"italic\"" }
        if let rotation { attributs += " transform=\"rotate(\(f(rotation)) \(f(x)) \(f(y)))\"" }
        // A white outline under the text keeps it readable over a line or a gridline.
        let dessous = halo ? "<text class=\"halo\" \(attributs) fill=\"#FFFFFF\" stroke=\"#FFFFFF\" stroke-width=\"4\" stroke-linejoin=\"round\" aria-hidden=\"true\">\(e(contenu))</text>" : ""
        return dessous + "<text class=\"\(classe)\" \(attributs) fill=\"\(couleurTexte)\">\(e(contenu))</text>"
    }

    static func titre(_ t: String, largeur: Double) -> String {
        let max = Int((largeur - 16) / (15 * 0.56))
        let ligne = t.count > max ? String(t.prefix(max - 1)) + "…" : t
        return texte(8, 22, ligne, classe: "titre-graphique", taille: 15, gras: true)
    }

    /// Horizontal gridlines and their graduations for a vertical scale.
    static func grilleVerticale(gauche: Double, droite: Double, haut: Double, bas: Double, echelle: (haut: Double, pas: Double), vide: Bool) -> String {
        var s = ""
        var t = 0.0
        while t <= echelle.haut + echelle.pas / 1000 {
            let y = bas - (bas - haut) * t / echelle.haut
            s += "<line class=\"grille\" x1=\"\(f(gauche))\" x2=\"\(f(droite))\" y1=\"\(f(y))\" y2=\"\(f(y))\" stroke=\"\(couleurGrille)\" stroke-width=\"1\"/>"
            s += texte(gauche - 6, y + 4, graduation(t), classe: "graduation", taille: 11, ancre: "end")
            if vide { break }
            t += echelle.pas
        }
        s += "<line class=\"axe\" x1=\"\(f(gauche))\" x2=\"\(f(droite))\" y1=\"\(f(bas))\" y2=\"\(f(bas))\" stroke=\"\(couleurAxe)\" stroke-width=\"1.5\"/>"
        return s
    }

    // MARK: - Column chart (with N-1 line) and histogram

    /// Columns for a series (months of N, delay classes…) with, optionally, the same categories
    /// of N-1 as a dashed line with round markers. `histogramme`: adjacent columns.
    static func colonnes(id: String, titre: String, description: String, axeX: String, axeY: String,
                         serie: [PointGraphique], nomSerie: String, precedent: [PointGraphique]? = nil, nomPrecedent: String = "",
                         histogramme: Bool = false, entiers: Bool = true, largeur: Double = 760, hauteur: Double = 340) -> String {
        let gauche = 70.0, droite = largeur - 16, haut = 70.0, bas = hauteur - 56
        let valeurs = serie.compactMap(\.valeur) + (precedent ?? []).compactMap(\.valeur)
        let maximum = valeurs.max() ?? 0
        let ech = echelle(maximum, entiers: entiers)
        let vide = maximum <= 0
        func y(_ v: Double) -> Double { bas - (bas - haut) * v / ech.haut }
        let n = max(1, serie.count)
        let bande = (droite - gauche) / Double(n)
        let largeurBarre = histogramme ? bande - 2 : bande * 0.62

        var s = ouverture(id: id, titre: titre, description: description, largeur: largeur, hauteur: hauteur, classe: "graphique colonnes")
        s += SVG.titre(titre, largeur: largeur)
        // Legend: a square for N, a dashed line with a marker for N-1.
        var xl = 8.0
        s += "<rect class=\"serie-n legende-symbole\" x=\"\(f(xl))\" y=\"36\" width=\"14\" height=\"14\" fill=\"\(couleurN)\"/>"
        s += texte(xl + 20, 48, nomSerie + " (colonnes)", classe: "legende")
        xl += 20 + largeurTexte(nomSerie + " (colonnes)", taille: 12) + 24
        if precedent != nil {
            s += "<line class=\"serie-n1\" x1=\"\(f(xl))\" x2=\"\(f(xl + 28))\" y1=\"43\" y2=\"43\" stroke=\"\(couleurN1)\" stroke-width=\"2.5\" stroke-dasharray=\"6 4\"/>"
            s += "<circle class=\"serie-n1-point\" cx=\"\(f(xl + 14))\" cy=\"43\" r=\"4\" fill=\"#FFFFFF\" stroke=\"\(couleurN1)\" stroke-width=\"2\"/>"
            s += texte(xl + 36, 48, nomPrecedent + " (ligne pointillée)", classe: "legende")
        }
        s += grilleVerticale(gauche: gauche, droite: droite, haut: haut, bas: bas, echelle: ech, vide: vide)
        s += texte(18, (haut + bas) / 2, axeY, classe: "titre-axe", taille: 12, ancre: "middle", rotation: -90)
        s += texte((gauche + droite) / 2, hauteur - 10, axeX, classe: "titre-axe", taille: 12, ancre: "middle")

        let tailleValeur = min(12, max(11, (bande - 2) / (Double(serie.map { $0.texte.count }.max() ?? 1) * 0.56)))
        // The values are written last, over the N-1 line, with a white halo.
        var etiquettes = ""
        for (i, p) in serie.enumerated() {
            let cx = gauche + bande * (Double(i) + 0.5)
            if let v = p.valeur, !p.masque {
                let h = bas - y(v)
                if h > 0 {
                    s += "<rect class=\"serie-n\" x=\"\(f(cx - largeurBarre / 2))\" y=\"\(f(y(v)))\" width=\"\(f(largeurBarre))\" height=\"\(f(h))\" fill=\"\(couleurN)\"/>"
                }
                etiquettes += texte(cx, y(v) - 6, p.texte, classe: "valeur", taille: tailleValeur, ancre: "middle", halo: true)
            } else {
                etiquettes += texte(cx, bas - 8, p.texte, classe: "valeur masque", taille: tailleValeur, ancre: "middle", italique: true, halo: true)
            }
            for (k, ligne) in couper(p.libelle, max: Int(bande / 6.2)).enumerated() {
                s += texte(cx, bas + 18 + Double(k) * 13, ligne, classe: "libelle", taille: 11.5, ancre: "middle")
            }
        }
        if let precedent {
            // The N-1 line, broken where a value is missing.
            var segment: [String] = []
            var lignes = ""
            var points = ""
            for (i, p) in precedent.enumerated() where i < n {
                let cx = gauche + bande * (Double(i) + 0.5)
                if let v = p.valeur, !p.masque {
                    segment.append("\(f(cx)),\(f(y(v)))")
                    points += "<circle class=\"serie-n1-point\" cx=\"\(f(cx))\" cy=\"\(f(y(v)))\" r=\"4\" fill=\"#FFFFFF\" stroke=\"\(couleurN1)\" stroke-width=\"2\"/>"
                } else {
                    if segment.count > 1 { lignes += polyligne(segment) }
                    segment = []
                }
            }
            if segment.count > 1 { lignes += polyligne(segment) }
            s += lignes + points
        }
        return s + etiquettes + "</svg>"
    }

    static func polyligne(_ points: [String]) -> String {
        "<polyline class=\"serie-n1\" points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"\(couleurN1)\" stroke-width=\"2.5\" stroke-dasharray=\"6 4\"/>"
    }

    // MARK: - Horizontal bars

    /// One horizontal bar per category, the value written at the end of the bar.
    static func barres(id: String, titre: String, description: String, axe: String, points: [PointGraphique],
                       entiers: Bool = true, largeur: Double = 760) -> String {
        let taille = 12.0
        let maxCaracteres = 34
        let libelles = points.map { couper($0.libelle, max: maxCaracteres) }
        let largeurLibelles = min(largeur * 0.4, (libelles.flatMap { $0 }.map { largeurTexte($0, taille: taille) }.max() ?? 40) + 12)
        let gauche = 8 + largeurLibelles
        let droite = largeur - 16 - max(60, (points.map { largeurTexte($0.texte, taille: taille) }.max() ?? 40) + 8)
        let haut = 40.0
        let hauteurs = libelles.map { $0.count > 1 ? 40.0 : 28.0 }
        let bas = haut + hauteurs.reduce(0, +)
        let hauteur = bas + 50
        let maximum = points.compactMap(\.valeur).max() ?? 0
        let ech = echelle(maximum, graduations: 4, entiers: entiers)
        func x(_ v: Double) -> Double { gauche + (droite - gauche) * v / ech.haut }

        var s = ouverture(id: id, titre: titre, description: description, largeur: largeur, hauteur: hauteur, classe: "graphique barres")
        s += SVG.titre(titre, largeur: largeur)
        // Vertical gridlines with their graduations, under the bars.
        var t = 0.0
        while t <= ech.haut + ech.pas / 1000 {
            s += "<line class=\"grille\" x1=\"\(f(x(t)))\" x2=\"\(f(x(t)))\" y1=\"\(f(haut))\" y2=\"\(f(bas))\" stroke=\"\(couleurGrille)\" stroke-width=\"1\"/>"
            s += texte(x(t), bas + 16, graduation(t), classe: "graduation", taille: 11, ancre: "middle")
            if maximum <= 0 { break }
            t += ech.pas
        }
        s += "<line class=\"axe\" x1=\"\(f(gauche))\" x2=\"\(f(gauche))\" y1=\"\(f(haut))\" y2=\"\(f(bas))\" stroke=\"\(couleurAxe)\" stroke-width=\"1.5\"/>"
        s += texte((gauche + droite) / 2, bas + 38, axe, classe: "titre-axe", taille: 12, ancre: "middle")
        var yRangee = haut
        for (i, p) in points.enumerated() {
            let h = hauteurs[i]
            let milieu = yRangee + h / 2
            let lignes = libelles[i]
            for (k, ligne) in lignes.enumerated() {
                let dy = (Double(k) - Double(lignes.count - 1) / 2) * 14
                s += texte(gauche - 8, milieu + 4 + dy, ligne, classe: "libelle", taille: taille, ancre: "end")
            }
            if let v = p.valeur, !p.masque {
                let w = x(v) - gauche
                if w > 0 {
                    s += "<rect class=\"serie-n\" x=\"\(f(gauche))\" y=\"\(f(milieu - 8))\" width=\"\(f(w))\" height=\"16\" fill=\"\(couleurN)\"/>"
                }
                s += texte(x(v) + 6, milieu + 4, p.texte, classe: "valeur", taille: taille)
            } else {
                s += texte(gauche + 6, milieu + 4, p.texte, classe: "valeur masque", taille: taille, italique: true)
            }
            yRangee += h
        }
        return s + "</svg>"
    }

    // MARK: - Small multiples

    /// One small column chart per panel, on a shared scale, to compare shapes (1.1 by month
    /// for each territory).
    static func petitsMultiples(id: String, titre: String, description: String, axeY: String, panneaux: [PanneauGraphique],
                                parLigne: Int = 3, largeur: Double = 760) -> String {
        let marge = 8.0
        let colonnes = max(1, min(parLigne, panneaux.count))
        let largeurPanneau = (largeur - marge * 2) / Double(colonnes)
        let hauteurPanneau = 150.0
        let rangs = (panneaux.count + colonnes - 1) / colonnes
        let hauteur = 58 + Double(rangs) * hauteurPanneau
        let maximum = panneaux.flatMap { $0.points.compactMap(\.valeur) }.max() ?? 0
        let ech = echelle(maximum, graduations: 2)

        var s = ouverture(id: id, titre: titre, description: description, largeur: largeur, hauteur: hauteur, classe: "graphique petits-multiples")
        s += SVG.titre(titre, largeur: largeur)
        s += texte(8, 42, axeY + " ; même échelle pour tous les territoires", classe: "legende", taille: 11.5)
        for (k, panneau) in panneaux.enumerated() {
            let x0 = marge + Double(k % colonnes) * largeurPanneau
            let y0 = 52 + Double(k / colonnes) * hauteurPanneau
            let gauche = x0 + 40, droite = x0 + largeurPanneau - 12
            let haut = y0 + 34, bas = y0 + hauteurPanneau - 26
            let max = Int((largeurPanneau - 16) / (13 * 0.56))
            let nom = panneau.titre.count > max ? String(panneau.titre.prefix(max - 1)) + "…" : panneau.titre
            s += texte(x0 + 4, y0 + 18, nom, classe: "titre-panneau", taille: 13, gras: true)
            func y(_ v: Double) -> Double { bas - (bas - haut) * v / ech.haut }
            s += "<line class=\"grille\" x1=\"\(f(gauche))\" x2=\"\(f(droite))\" y1=\"\(f(haut))\" y2=\"\(f(haut))\" stroke=\"\(couleurGrille)\" stroke-width=\"1\"/>"
            s += texte(gauche - 4, haut + 4, graduation(maximum <= 0 ? 0 : ech.haut), classe: "graduation", taille: 11, ancre: "end")
            s += texte(gauche - 4, bas + 4, "0", classe: "graduation", taille: 11, ancre: "end")
            s += "<line class=\"axe\" x1=\"\(f(gauche))\" x2=\"\(f(droite))\" y1=\"\(f(bas))\" y2=\"\(f(bas))\" stroke=\"\(couleurAxe)\" stroke-width=\"1\"/>"
            let n = Swift.max(1, panneau.points.count)
            let bande = (droite - gauche) / Double(n)
            let tailleValeur = 11.0
            let etiquettes = panneau.points.allSatisfy { largeurTexte($0.texte, taille: tailleValeur) <= bande + 1 || $0.masque }
            for (i, p) in panneau.points.enumerated() {
                let cx = gauche + bande * (Double(i) + 0.5)
                if let v = p.valeur, !p.masque {
                    let h = bas - y(v)
                    if h > 0 {
                        s += "<rect class=\"serie-n\" x=\"\(f(cx - bande * 0.36))\" y=\"\(f(y(v)))\" width=\"\(f(bande * 0.72))\" height=\"\(f(h))\" fill=\"\(couleurN)\"/>"
                    }
                    if etiquettes { s += texte(cx, y(v) - 3, p.texte, classe: "valeur", taille: tailleValeur, ancre: "middle") }
                } else if largeurTexte(p.texte, taille: 11) <= bande {
                    s += texte(cx, bas - 4, p.texte, classe: "valeur masque", taille: 11, ancre: "middle", italique: true)
                } else {
                    s += texte(cx + 3, bas - 3, p.texte, classe: "valeur masque", taille: 11, italique: true, rotation: -90)
                }
                s += texte(cx, bas + 13, String(p.libelle.prefix(1)).uppercased(), classe: "libelle", taille: 11, ancre: "middle")
            }
        }
        return s + "</svg>"
    }

    // MARK: - Dashboard trend: small columns

    /// Small columns over many months (24), the last month emphasised, with the scale's top and
    /// the first and last months written.
    static func colonnettes(id: String, titre: String, description: String, points: [PointGraphique], entiers: Bool = true,
                            unite: String = "", largeur: Double = 320, hauteur: Double = 96) -> String {
        let gauche = unite.isEmpty ? 34.0 : 46.0, droite = largeur - 4, haut = 10.0, bas = hauteur - 20
        let maximum = points.compactMap(\.valeur).max() ?? 0
        let ech = echelle(maximum, graduations: 1, entiers: entiers)
        func y(_ v: Double) -> Double { bas - (bas - haut) * v / ech.haut }
        let n = max(1, points.count)
        let bande = (droite - gauche) / Double(n)
        var s = ouverture(id: id, titre: titre, description: description, largeur: largeur, hauteur: hauteur, classe: "graphique colonnettes")
        // Nothing published to draw (every month masked, not collected…): words, not an empty scale.
        if !points.contains(where: { $0.valeur != nil && !$0.masque }) {
            let mots = Set(points.map(\.texte)).count == 1 ? points.first?.texte ?? "" : "valeurs non publiées"
            s += texte(largeur / 2, hauteur / 2, "Aucune colonne : \(mots)", classe: "valeur masque", taille: 12, ancre: "middle", italique: true)
            return s + "</svg>"
        }
        s += "<line class=\"grille\" x1=\"\(f(gauche))\" x2=\"\(f(droite))\" y1=\"\(f(haut))\" y2=\"\(f(haut))\" stroke=\"\(couleurGrille)\" stroke-width=\"1\"/>"
        s += texte(gauche - 4, haut + 4, graduation(maximum <= 0 ? 0 : ech.haut) + unite, classe: "graduation", taille: 11, ancre: "end")
        s += texte(gauche - 4, bas + 3, "0", classe: "graduation", taille: 11, ancre: "end")
        for (i, p) in points.enumerated() {
            let cx = gauche + bande * (Double(i) + 0.5)
            let dernier = i == points.count - 1
            if let v = p.valeur, !p.masque {
                let h = bas - y(v)
                if h > 0 {
                    s += "<rect class=\"\(dernier ? "serie-n dernier" : "serie-n")\" x=\"\(f(cx - bande * 0.38))\" y=\"\(f(y(v)))\" width=\"\(f(bande * 0.76))\" height=\"\(f(h))\" fill=\"\(couleurN)\"/>"
                }
            } else {
                s += texte(cx + 3, bas - 2, p.texte, classe: "valeur masque", taille: 11, italique: true, rotation: -90)
            }
        }
        s += "<line class=\"axe\" x1=\"\(f(gauche))\" x2=\"\(f(droite))\" y1=\"\(f(bas))\" y2=\"\(f(bas))\" stroke=\"\(couleurAxe)\" stroke-width=\"1\"/>"
        if let premier = points.first, let dernier = points.last {
            s += texte(gauche, hauteur - 5, premier.libelle, classe: "libelle", taille: 11)
            s += texte(droite, hauteur - 5, dernier.libelle, classe: "libelle", taille: 11, ancre: "end")
        }
        return s + "</svg>"
    }
}
