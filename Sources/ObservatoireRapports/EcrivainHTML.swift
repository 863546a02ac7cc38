import Foundation
import Mustache
import ObservatoireCore
import ObservatoireIndicateurs

/// Lays the report document out as one self-contained HTML page: the page template of
/// `Reports/` (or the workspace's `modeles/`), the style sheet and logo inlined, charts as inline
/// SVG beside the tables of their figures. No script, no network; it prints on A4 and follows
/// the RGAA structure (one `h1`, ordered headings, captioned tables, labelled charts, only the
/// regions that can scroll are focusable).
///
/// ```swift
/// let html = try EcrivainHTML.rendre(document, modeles: modeles)
/// ```
public enum EcrivainHTML {
    public static func rendre(_ doc: DocumentRapport, modeles: Modeles) throws -> String {
        let e = MiseEnPageHTML()
        let sections = doc.sections.map { s -> [String: Any] in
            ["id": s.id, "titre": s.titre, "contenu": s.blocs.map { e.bloc($0) }.joined()]
        }
        let contexte: [String: Any] = [
            "titre": doc.titre,
            "titrePage": doc.titrePage,
            "sousTitre": doc.sousTitre,
            "nomC360": doc.nomC360,
            "departement": doc.departement,
            "extraction": Horodatage.francais(doc.extraction),
            "diffusion": doc.diffusion.rawValue,
            "libelleDiffusion": doc.libelleDiffusion,
            "texteDiffusion": doc.texteDiffusion,
            "externe": doc.diffusion == .externe,
            "sections": sections,
            "cssImpression": cssImpression(gauche: doc.enTeteImpression, droite: doc.libelleDiffusion),
        ]
        let modele: String
        switch doc.genre {
        case .rapport: modele = "rapport.html.mustache"
        case .tableauDeBord: modele = "tableau-de-bord.html.mustache"
        case .consolidation: modele = "consolidation.html.mustache"
        }
        return try PageHTML.rendre(modele: modele, modeles: modeles, contexte: contexte)
    }

    public static func ecrire(_ doc: DocumentRapport, modeles: Modeles, vers url: URL) throws {
        try PageHTML.ecrire(try rendre(doc, modeles: modeles), vers: url)
    }

    /// The CSS of the print margin boxes: C360, period and diffusion on every page, and the
    /// page number.
    static func cssImpression(gauche: String, droite: String) -> String {
        let police = "font-family: \"Segoe UI\", Arial, \"Liberation Sans\", \"DejaVu Sans\", sans-serif; font-size: 8pt; color: #4A4A4A;"
        return """
        @page { @top-left { content: \(HTMLTexte.chaineCSS(gauche)); \(police) } @top-right { content: \(HTMLTexte.chaineCSS(droite)); \(police) } \
        @bottom-right { content: "Page " counter(page) " / " counter(pages); \(police) } }
        """
    }
}

/// Unique `id`s within one page (charts, tables).
final class IdentifiantsHTML {
    private var compteurs: [String: Int] = [:]

    func suivant(_ prefixe: String) -> String {
        compteurs[prefixe, default: 0] += 1
        return "\(prefixe)-\(compteurs[prefixe]!)"
    }
}

/// The HTML of each kind of block.
final class MiseEnPageHTML {
    let ids = IdentifiantsHTML()

    func e(_ s: String) -> String { HTMLTexte.echapper(s) }

    func bloc(_ b: Bloc) -> String {
        switch b {
        case .paragraphe(let t, let style): return paragraphe(t, style)
        case .titre(let t): return "<h3>\(e(t))</h3>"
        case .chiffresCles(let cartes): return chiffresCles(cartes)
        case .tableau(let t): return tableau(t)
        case .figure(let f): return figure(f)
        case .notes(let notes): return "<ul class=\"notes\">" + notes.map { "<li>\(e($0))</li>" }.joined() + "</ul>"
        case .markdown(let md, let nom): return "<div class=\"texte-libre\">" + MarkdownSur.html(md, niveauDeBase: 3, nomDesTableaux: nom) + "</div>"
        case .tendances(let t): return tendances(t)
        case .definitions(let d): return definitions(d)
        case .carte(let c): return carte(c)
        }
    }

    func paragraphe(_ t: String, _ style: StyleParagraphe) -> String {
        switch style {
        case .normal: return "<p>\(e(t))</p>"
        case .chapeau: return "<p class=\"chapeau\">\(e(t))</p>"
        case .precision: return "<p class=\"precision\">\(e(t))</p>"
        case .avertissement: return "<p class=\"avertissement\">\(e(t))</p>"
        case .bilan: return "<p class=\"bilan-cibles\">\(e(t))</p>"
        }
    }

    // MARK: Figures and words

    func mesure(_ m: Mesure) -> String { e(m.texte) }

    func classesMesure(_ m: Mesure) -> String {
        switch m.etat {
        case .valeur, .vide: return "nombre"
        case .masque: return "nombre masque"
        case .statut: return "nombre statut"
        }
    }

    /// Whether the target is met, in words; the colour only underlines it.
    func atteinte(_ a: Atteinte) -> String {
        switch a {
        case .sansCible: return "<span class=\"sans-cible\">pas de cible</span>"
        case .atteinte: return "<span class=\"atteinte oui\"><span aria-hidden=\"true\">✓ </span>atteinte</span>"
        case .nonAtteinte: return "<span class=\"atteinte non\"><span aria-hidden=\"true\">✗ </span>non atteinte</span>"
        case .nonJugee(let s): return "<span class=\"atteinte inconnue\">\(e(s))</span>"
        }
    }

    func cellule(_ c: Cellule, titre: String) -> String {
        let attribut = " data-titre=\"\(e(titre))\""
        switch c {
        case .texte(let s): return "<td\(attribut)>\(e(s))</td>"
        case .vide: return "<td\(attribut)></td>"
        case .mesure(let m): return "<td class=\"\(classesMesure(m))\"\(attribut)>\(mesure(m))</td>"
        case .valeurEtTaux(let v, let t):
            var s = "<span class=\"v\(v.etat == .valeur ? "" : " statut")\">\(mesure(v))</span>"
            if let t, t.etat != .vide { s += "<br><span class=\"taux\(t.etat == .valeur ? "" : " statut")\">\(mesure(t))</span>" }
            return "<td class=\"nombre\"\(attribut)>\(s)</td>"
        case .atteinte(let a): return "<td class=\"atteinte-cellule\"\(attribut)>\(atteinte(a))</td>"
        }
    }

    // MARK: Tables

    func enteteLigne(_ l: LigneDocument) -> String {
        var s = ""
        if let n = l.numero { s += "<span class=\"code\">\(e(n))</span> " }
        s += e(l.entete)
        if let p = l.precision { s += "<br><span class=\"precision\">\(e(p))</span>" }
        return s
    }

    func ligne(_ l: LigneDocument, _ t: TableauDocument) -> String {
        var s = "<tr"
        if let code = l.code { s += " data-code=\"\(e(code))\"" }
        s += "><th scope=\"row\">\(enteteLigne(l))</th>"
        for (i, c) in l.cellules.enumerated() { s += cellule(c, titre: i < t.colonnes.count ? t.colonnes[i] : "") }
        return s + "</tr>"
    }

    func tableau(_ t: TableauDocument) -> String {
        let id = ids.suivant("tableau")
        // Only a table that can be wider than a phone scrolls, in a focusable region; the
        // others wrap (and summary tables become blocks of labelled figures on a phone).
        var s = t.large
            ? "<div class=\"defilement\" role=\"region\" aria-labelledby=\"\(id)\" tabindex=\"0\">"
            : "<div class=\"tableau-conteneur\">"
        var classes: [String] = []
        // A table of more than two figures per row does not fit a phone: it becomes blocks there.
        if t.resume || (!t.large && t.colonnes.count > 2) { classes.append("resume") }
        if t.large { classes.append("large") }
        s += "<table\(classes.isEmpty ? "" : " class=\"\(classes.joined(separator: " "))\"")><caption id=\"\(id)\">\(e(t.legende))</caption>"
        s += "<thead><tr><th scope=\"col\">\(e(t.enTeteLignes))</th>"
        for c in t.colonnes { s += "<th scope=\"col\" class=\"nombre\">\(e(c))</th>" }
        s += "</tr></thead>"
        for g in t.groupes {
            s += "<tbody>"
            if let titre = g.titre {
                s += "<tr class=\"groupe\"><th scope=\"rowgroup\" colspan=\"\(t.colonnes.count + 1)\">\(e(titre))</th></tr>"
            }
            for l in g.lignes { s += ligne(l, t) }
            s += "</tbody>"
        }
        if !t.pied.isEmpty { s += "<tfoot>" + t.pied.map { ligne($0, t) }.joined() + "</tfoot>" }
        return s + "</table></div>"
    }

    // MARK: Charts

    func svg(_ g: Graphique) -> String {
        let id = ids.suivant("graphique")
        switch g.genre {
        case .colonnes:
            return SVG.colonnes(id: id, titre: g.titre, description: g.description, axeX: g.axeX, axeY: g.axeY, serie: g.serie,
                                nomSerie: g.nomSerie, precedent: g.precedent, nomPrecedent: g.nomPrecedent, entiers: g.entiers)
        case .barres:
            return SVG.barres(id: id, titre: g.titre, description: g.description, axe: g.axeX, points: g.serie, entiers: g.entiers)
        case .petitsMultiples:
            return SVG.petitsMultiples(id: id, titre: g.titre, description: g.description, axeY: g.axeY, panneaux: g.panneaux)
        case .colonnettes:
            return SVG.colonnettes(id: id, titre: g.titre, description: g.description, points: g.serie, entiers: g.entiers, unite: g.unite)
        case .points:
            return SVG.points(id: id, titre: g.titre, description: g.description, axe: g.axeX, points: g.serie, entiers: g.entiers,
                              unite: g.unite, ensemble: g.ensemble, cible: g.cible)
        }
    }

    /// A tile map: the map and its legend in a scroll region (it keeps its size), the table of
    /// the same figures beside it.
    func carte(_ c: CarteDocument) -> String {
        let id = ids.suivant("carte")
        var s = "<div class=\"figure-donnees carte-tuiles\"><figure class=\"figure\">"
        s += "<div class=\"defilement-graphique\" role=\"region\" tabindex=\"0\" aria-label=\"\(e("Carte : " + c.titre))\">"
        s += SVG.carte(id: id, titre: c.titre, description: c.description, tuiles: c.tuiles, classes: c.classes) + "</div>"
        if let note = c.note { s += "<figcaption>\(e(note))</figcaption>" }
        s += "</figure><div class=\"donnees\">\(tableau(c.tableau))</div></div>"
        return s
    }

    /// A chart in its own scroll region (it keeps its size: its text never goes under 11 px).
    func zoneGraphique(_ g: Graphique, classe: String = "") -> String {
        "<div class=\"defilement-graphique\(classe.isEmpty ? "" : " " + classe)\" role=\"region\" tabindex=\"0\" aria-label=\"\(e("Graphique : " + g.titre))\">\(svg(g))</div>"
    }

    func figure(_ f: FigureDocument) -> String {
        var s = "<div class=\"\(f.pleine ? "figure-pleine" : "figure-donnees")\"><figure class=\"figure\">\(zoneGraphique(f.graphique))"
        if let note = f.note { s += "<figcaption>\(e(note))</figcaption>" }
        s += "</figure><div class=\"donnees\">\(tableau(f.tableau))</div></div>"
        return s
    }

    // MARK: Cards

    func chiffresCles(_ cartes: [ChiffreCle]) -> String {
        var s = "<ul class=\"chiffres-cles\">"
        for c in cartes {
            s += "<li class=\"chiffre-cle\" data-code=\"\(e(c.code))\">"
            s += "<p class=\"intitule\">\(e(c.intitule))\(c.numero.map { " <span class=\"code\">(\(e($0)))</span>" } ?? "")</p>"
            s += "<p class=\"valeur\(c.principal.etat == .valeur ? "" : " statut")\">\(mesure(c.principal))</p>"
            for d in c.details { s += "<p class=\"detail\">\(e(d))</p>" }
            if let p = c.precedent {
                var t = "\(c.libellePrecedent) : \(p.texte)"
                if let ev = c.evolution { t += " (évolution : \(ev.texte))" }
                s += "<p class=\"n1\">\(e(t))</p>"
            }
            if let cible = c.cible { s += "<p class=\"cible\">Cible \(e(cible)) : \(atteinte(c.atteinte))</p>" }
            s += "</li>"
        }
        return s + "</ul>"
    }

    func tendances(_ cartes: [Tendance]) -> String {
        var s = "<div class=\"cartes-tendances\">"
        for c in cartes {
            s += "<article class=\"carte-tendance\" data-code=\"\(e(c.code))\">"
            s += "<h3>\(c.numero.map { "<span class=\"code\">\(e($0))</span> " } ?? "")\(e(c.titre))</h3>"
            s += "<p class=\"dernier\"><strong\(c.dernierMasque ? " class=\"statut\"" : "")>\(e(c.dernier))</strong></p>"
            for p in c.precisions { s += "<p class=\"precision\">\(e(p))</p>" }
            if let cible = c.cible { s += "<p class=\"cible\">Cible \(e(cible)) : \(atteinte(c.atteinte))</p>" }
            s += zoneGraphique(c.graphique, classe: "petit") + "</article>"
        }
        return s + "</div>"
    }

    func definitions(_ d: [Definition]) -> String {
        var s = "<dl class=\"definitions\">"
        for x in d {
            s += "<dt><span class=\"code\">\(e(x.code))</span> \(e(x.titre))</dt><dd><p>\(e(x.texte))</p>"
            if let p = x.precision { s += "<p class=\"precision\">\(e(p))</p>" }
            s += "</dd>"
        }
        return s + "</dl>"
    }
}

/// The page itself: a Mustache template of `Reports/` (or the workspace's `modeles/`), with the
/// style sheet and the logo inlined so that the file stands alone and works offline.
enum PageHTML {
    static func rendre(modele nom: String, modeles: Modeles, contexte: [String: Any]) throws -> String {
        let texte = try modeles.texte(nom)
        let gabarit: MustacheTemplate
        do {
            gabarit = try MustacheTemplate(string: texte)
        } catch {
            throw ErreurObservatoire(.usage, "Le modèle « \(modeles.url(nom).path) » n'est pas un gabarit Mustache valide.",
                                     conseil: "Corrigez-le, ou supprimez-le du dossier « modeles » pour revenir au modèle intégré.")
        }
        var c = contexte
        c["css"] = feuilleDeStyle(try modeles.texte("style.css"))
        if let l = logo(modeles) { c["logo"] = l }
        return gabarit.render(c)
    }

    /// The style sheet, made safe to inline: it cannot close the `<style>` element, import
    /// another sheet or fetch anything from the network.
    static func feuilleDeStyle(_ css: String) -> String {
        var s = css
        s = s.replacingOccurrences(of: "</", with: "<\\/")
        s = s.replacingOccurrences(of: "@import", with: "/* importation retirée : le rapport ne charge rien */ @media not all", options: .caseInsensitive)
        // url(…) towards the network: pointed at nothing (without having to find where it ends).
        if let re = try? NSRegularExpression(pattern: "(url\\(\\s*['\"]?\\s*)(https?:|//|ftp:)", options: [.caseInsensitive]) {
            s = re.stringByReplacingMatches(in: s, range: NSRange(s.startIndex..., in: s), withTemplate: "$1about:invalid#")
        }
        return s
    }

    /// The logo as a `data:` URI: inlined, and unable to run anything (an SVG shown through
    /// `<img>` runs no script and loads nothing).
    static func logo(_ modeles: Modeles) -> String? {
        guard let donnees = modeles.donnees("logo.svg"), !donnees.isEmpty else { return nil }
        return "data:image/svg+xml;base64," + donnees.base64EncodedString()
    }

    static func ecrire(_ html: String, vers url: URL) throws {
        do {
            try Data(html.utf8).write(to: url, options: .atomic)
        } catch {
            throw ErreurObservatoire.ecriture(url.path, erreur: error)
        }
    }
}
