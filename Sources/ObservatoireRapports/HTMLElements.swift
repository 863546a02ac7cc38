import Foundation
import Mustache
import ObservatoireCore
import ObservatoireIndicateurs

/// Unique `id`s within one page (charts, tables, headings).
final class IdentifiantsHTML {
    private var compteurs: [String: Int] = [:]

    func suivant(_ prefixe: String) -> String {
        compteurs[prefixe, default: 0] += 1
        return "\(prefixe)-\(compteurs[prefixe]!)"
    }
}

/// A cell of an HTML table. `html` is already escaped.
struct CelluleHTML {
    var html: String
    var enTete = false
    var classes: [String] = []
    var colspan = 1

    static func texte(_ s: String, classes: [String] = []) -> CelluleHTML { CelluleHTML(html: HTMLTexte.echapper(s), classes: classes) }
    static func html(_ s: String, classes: [String] = []) -> CelluleHTML { CelluleHTML(html: s, classes: classes) }
    /// A figure, right-aligned; a masked one is styled apart (its text says « < 5 » or « secret »).
    static func nombre(_ s: String, masque: Bool = false, classes: [String] = []) -> CelluleHTML {
        CelluleHTML(html: HTMLTexte.echapper(s), classes: ["nombre"] + (masque ? ["masque"] : []) + classes)
    }
    /// The row's header (`<th scope="row">`).
    static func ligne(_ s: String) -> CelluleHTML { CelluleHTML(html: HTMLTexte.echapper(s), enTete: true) }
    static func ligneHTML(_ s: String) -> CelluleHTML { CelluleHTML(html: s, enTete: true) }
}

struct LigneHTML {
    var cellules: [CelluleHTML]
    /// The indicator the row is about (`data-code`), when there is one.
    var code: String? = nil
    var classe: String? = nil
}

struct GroupeHTML {
    var titre: String?
    var lignes: [LigneHTML]
}

/// A data table: caption, column headers (`scope="col"`), row headers (`scope="row"`), row
/// groups with their own header (`scope="rowgroup"`), an optional footer of totals.
struct TableHTML {
    var legende: String
    var colonnes: [String]
    /// Indexes of the columns holding figures (right-aligned).
    var numeriques: Set<Int> = []
    var groupes: [GroupeHTML]
    var pied: [LigneHTML] = []
    var classe: String = ""

    init(legende: String, colonnes: [String], numeriques: Set<Int> = [], lignes: [LigneHTML], pied: [LigneHTML] = [], classe: String = "") {
        self.legende = legende
        self.colonnes = colonnes
        self.numeriques = numeriques
        self.groupes = [GroupeHTML(titre: nil, lignes: lignes)]
        self.pied = pied
        self.classe = classe
    }

    init(legende: String, colonnes: [String], numeriques: Set<Int> = [], groupes: [GroupeHTML], classe: String = "") {
        self.legende = legende
        self.colonnes = colonnes
        self.numeriques = numeriques
        self.groupes = groupes
        self.classe = classe
    }

    func html(_ ids: IdentifiantsHTML) -> String {
        let id = ids.suivant("tableau")
        var s = "<div class=\"defilement\" role=\"region\" aria-labelledby=\"\(id)\" tabindex=\"0\">"
        s += "<table\(classe.isEmpty ? "" : " class=\"\(classe)\"")><caption id=\"\(id)\">\(HTMLTexte.echapper(legende))</caption>"
        s += "<thead><tr>"
        for (i, c) in colonnes.enumerated() {
            s += "<th scope=\"col\"\(numeriques.contains(i) ? " class=\"nombre\"" : "")>\(HTMLTexte.echapper(c))</th>"
        }
        s += "</tr></thead>"
        for g in groupes {
            s += "<tbody>"
            if let titre = g.titre {
                s += "<tr class=\"groupe\"><th scope=\"rowgroup\" colspan=\"\(colonnes.count)\">\(HTMLTexte.echapper(titre))</th></tr>"
            }
            for l in g.lignes { s += ligne(l) }
            s += "</tbody>"
        }
        if !pied.isEmpty {
            s += "<tfoot>" + pied.map(ligne).joined() + "</tfoot>"
        }
        return s + "</table></div>"
    }

    private func ligne(_ l: LigneHTML) -> String {
        var s = "<tr"
        if let code = l.code { s += " data-code=\"\(HTMLTexte.echapper(code))\"" }
        if let classe = l.classe { s += " class=\"\(classe)\"" }
        s += ">"
        for c in l.cellules {
            let balise = c.enTete ? "th" : "td"
            s += "<\(balise)"
            if c.enTete { s += " scope=\"row\"" }
            if c.colspan > 1 { s += " colspan=\"\(c.colspan)\"" }
            if !c.classes.isEmpty { s += " class=\"\(c.classes.joined(separator: " "))\"" }
            s += ">\(c.html)</\(balise)>"
        }
        return s + "</tr>"
    }
}

/// A section of a page: its `h2` and its content (HTML built and escaped by the project).
struct SectionHTML {
    var id: String
    var titre: String
    var contenu: String

    var contexte: [String: Any] { ["id": id, "titre": titre, "contenu": contenu] }
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
            throw ErreurObservatoire(.usage, "Le modèle « \(modeles.url(nom).path) » n'est pas un gabarit Mustache valide (\(error)).",
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

/// The French texts and blocks both HTML pages share.
class RedacteurHTML {
    let a: Affichage
    let ids = IdentifiantsHTML()
    let seuil: Int
    let diffusion: Diffusion

    init(seuil: Int, diffusion: Diffusion) {
        self.seuil = seuil
        self.diffusion = diffusion
        a = Affichage(seuil: seuil, espace: "\u{00A0}")
    }

    var masque: String { SecretStatistique.libelle(seuil: seuil) }

    // MARK: Values

    /// The main figure of an indicator: its rate when it has one, else its value.
    func mesure(_ v: ValeurIndicateur) -> String {
        v.aUnTaux ? a.taux(v, avecFraction: false) : a.valeur(v)
    }

    func estMasquee(_ v: ValeurIndicateur) -> Bool {
        v.aUnTaux ? v.tauxMasque : v.valeurMasquee
    }

    /// The value of a cell; masked values are flagged for the style.
    func celluleValeur(_ v: ValeurIndicateur?) -> CelluleHTML {
        guard let v else { return .nombre("—") }
        return .nombre(a.valeur(v), masque: v.valeurMasquee)
    }

    func celluleTaux(_ v: ValeurIndicateur?, fraction: Bool = true) -> CelluleHTML {
        guard let v, v.aUnTaux else { return .nombre("") }
        return .nombre(a.taux(v, avecFraction: fraction), masque: v.tauxMasque)
    }

    /// Value and rate in one cell (« 10 » and « 87,5 % » below), for the compact tables.
    func celluleValeurEtTaux(_ v: ValeurIndicateur?) -> CelluleHTML {
        guard let v else { return .nombre("—") }
        var html = "<span class=\"v\(v.valeurMasquee ? " masque" : "")\">" + HTMLTexte.echapper(a.valeur(v)) + "</span>"
        if v.aUnTaux { html += "<br><span class=\"taux\(v.tauxMasque ? " masque" : "")\">" + HTMLTexte.echapper(a.taux(v, avecFraction: false)) + "</span>" }
        return CelluleHTML(html: html, classes: ["nombre"])
    }

    /// Whether the target is met, in words (never by colour alone).
    func atteinte(_ v: ValeurIndicateur?) -> String {
        guard let v, v.cible != nil else {
            return "<span class=\"sans-cible\"><span aria-hidden=\"true\">—</span><span class=\"visuellement-cache\">pas de cible</span></span>"
        }
        switch v.atteinte {
        case .some(true): return "<span class=\"atteinte oui\"><span aria-hidden=\"true\">✓ </span>atteinte</span>"
        case .some(false): return "<span class=\"atteinte non\"><span aria-hidden=\"true\">✗ </span>non atteinte</span>"
        case .none: return "<span class=\"atteinte inconnue\">" + HTMLTexte.echapper(a.atteinte(v)) + "</span>"
        }
    }

    func celluleAtteinte(_ v: ValeurIndicateur?) -> CelluleHTML { .html(atteinte(v), classes: ["atteinte-cellule"]) }

    func celluleCible(_ v: ValeurIndicateur?) -> CelluleHTML {
        guard let v, v.cible != nil else { return .nombre("") }
        return .nombre(a.cible(v))
    }

    /// The change from N-1: in percent for a count, in points for a rate; nil when one side is missing.
    func evolution(_ v: ValeurIndicateur?, _ p: ValeurIndicateur?, taux: Bool) -> String? {
        guard let v, let p else { return nil }
        let espace = "\u{00A0}"
        if taux {
            guard let t = v.taux, let tp = p.taux else { return nil }
            let d = FormatFrancais.arrondi(t - tp)
            return (d > 0 ? "+" : "") + FormatFrancais.decimal(d, 1, espace: espace) + espace + (abs(d) >= 2 ? "points" : "point")
        }
        guard let x = v.valeur, let y = p.valeur, y != 0 else { return nil }
        let d = FormatFrancais.arrondi((x - y) / y * 100)
        return (d > 0 ? "+" : "") + FormatFrancais.pourcentage(d, espace: espace)
    }

    // MARK: Breakdowns

    func libelleCle(_ l: LigneRepartition, _ v: ValeurIndicateur) -> String {
        Libelles.cle(l.cle, code: v.code)
    }

    /// A breakdown line as a bar: its count, with its share when there is one.
    func point(_ l: LigneRepartition, _ v: ValeurIndicateur, libelle: String? = nil, avecPart: Bool = true) -> PointGraphique {
        let n = a.n(l, unite: v.indicateur.unite)
        let part = avecPart ? a.part(l) : ""
        return PointGraphique(libelle: libelle ?? libelleCle(l, v), valeur: l.n, texte: part.isEmpty ? n : "\(n) (\(part))",
                              masque: l.masquee || l.secondaire)
    }

    func celluleN(_ l: LigneRepartition?, _ unite: Indicateur.Unite) -> CelluleHTML {
        guard let l else { return .nombre("—") }
        return .nombre(a.n(l, unite: unite), masque: l.masquee || l.secondaire)
    }

    func cellulePart(_ l: LigneRepartition?) -> CelluleHTML {
        guard let l else { return .nombre("—") }
        if let r = l.retenue ?? l.tauxRetenu { return .nombre(SecretStatistique.texte(r, seuil: seuil), masque: true) }
        return .nombre(a.part(l).isEmpty ? Affichage.nonCalculable : a.part(l))
    }

    /// The total of an additive breakdown: the base of its shares (all propositions for 1.6,
    /// accompanied situations for 3.1…), else the indicator's value.
    func celluleTotal(_ v: ValeurIndicateur) -> CelluleHTML {
        if let base = v.repartition.compactMap(\.base).first {
            return .nombre(a.nombre(base, unite: v.indicateur.unite == .etp ? .etp : .nombre))
        }
        // Without a base (1.1, 4.3, or a base masked because small), the value is the total.
        return celluleValeur(v)
    }

    /// A chart and its table side by side (stacked on narrow screens and in print).
    func figure(_ svg: String, _ table: TableHTML, note: String? = nil) -> String {
        var s = "<div class=\"figure-donnees\"><figure class=\"figure\"><div class=\"defilement-graphique\">\(svg)</div>"
        if let note { s += "<figcaption>\(HTMLTexte.echapper(note))</figcaption>" }
        s += "</figure><div class=\"donnees\">\(table.html(ids))</div></div>"
        return s
    }

    /// A breakdown as horizontal bars with its table (N, share, and N-1 when given).
    func blocRepartition(_ v: ValeurIndicateur, precedent p: ValeurIndicateur?, titre: String, enTeteCle: String, axe: String,
                         libelleN: String, libelleN1: String, avecPart: Bool = true, note: String? = nil,
                         cles: ((LigneRepartition) -> String)? = nil) -> String {
        let unite = v.indicateur.unite
        let libelle = { (l: LigneRepartition) in cles?(l) ?? self.libelleCle(l, v) }
        let points = v.repartition.map { point($0, v, libelle: libelle($0), avecPart: avecPart) }
        let id = ids.suivant("graphique")
        let description = "Barres horizontales, une par \(enTeteCle.lowercased()) : " + points.map { "\($0.libelle) : \($0.texte)" }.joined(separator: " ; ") + ". Les mêmes chiffres sont dans le tableau qui suit."
        let svg = SVG.barres(id: id, titre: titre, description: description, axe: axe, points: points, entiers: unite != .etp)
        var colonnes = [enTeteCle, "Nombre \(libelleN)"]
        if unite == .etp { colonnes[1] = "ETP \(libelleN)" }
        if avecPart { colonnes.append("Part \(libelleN)") }
        if p != nil {
            colonnes.append(unite == .etp ? "ETP \(libelleN1)" : "Nombre \(libelleN1)")
            if avecPart { colonnes.append("Part \(libelleN1)") }
        }
        let lignes: [LigneHTML] = v.repartition.map { l in
            var c: [CelluleHTML] = [.ligne(libelle(l)), celluleN(l, unite)]
            if avecPart { c.append(cellulePart(l)) }
            if let p {
                let lp = p.repartition.first { $0.cle == l.cle }
                c.append(celluleN(lp, unite))
                if avecPart { c.append(cellulePart(lp)) }
            }
            return LigneHTML(cellules: c)
        }
        var pied: [LigneHTML] = []
        if v.indicateur.additive {
            var c: [CelluleHTML] = [.ligne("Total"), celluleTotal(v)]
            if avecPart { c.append(.nombre("")) }
            if let p {
                c.append(celluleTotal(p))
                if avecPart { c.append(.nombre("")) }
            }
            pied.append(LigneHTML(cellules: c))
        }
        let table = TableHTML(legende: titre, colonnes: colonnes, numeriques: Set(1..<colonnes.count), lignes: lignes, pied: pied)
        return figure(svg, table, note: note)
    }

    // MARK: Texts

    func paragraphe(_ s: String, classe: String? = nil) -> String {
        "<p\(classe.map { " class=\"\($0)\"" } ?? "")>" + HTMLTexte.echapper(s) + "</p>"
    }

    func titre3(_ s: String, id: String? = nil) -> String {
        "<h3\(id.map { " id=\"\($0)\"" } ?? "")>" + HTMLTexte.echapper(s) + "</h3>"
    }

    /// The explanation of the diffusion level, shown in the page header.
    var texteDiffusion: String {
        switch diffusion {
        case .interne:
            return "Document de travail de la coordination : tous les effectifs sont affichés. Ne pas diffuser hors de la Communauté 360."
        case .externe:
            return "Secret statistique appliqué. Tout effectif de 1 à \(seuil - 1) (sollicitations, propositions, personnes, acteurs, postes) est remplacé par « \(masque) », ainsi que le taux ou la part qui en découle ; une seconde case est masquée (« \(SecretStatistique.libelleSecondaire) ») quand la première pourrait être retrouvée par différence avec le total."
        }
    }

    var libelleDiffusion: String { diffusion == .interne ? "Diffusion interne" : "Diffusion externe" }

    /// The template values every page has (identity, extraction, diffusion, sections, print
    /// header); each page adds its own.
    func contextePage(titre: String, nomC360: String, departement: String, extraction: Date, sections: [[String: Any]],
                      enTeteImpression: String) -> [String: Any] {
        [
            "titre": titre,
            "titrePage": "\(titre) — \(nomC360)",
            "nomC360": nomC360,
            "departement": departement,
            "extraction": Horodatage.francais(extraction),
            "diffusion": diffusion.rawValue,
            "libelleDiffusion": libelleDiffusion,
            "texteDiffusion": texteDiffusion,
            "externe": diffusion == .externe,
            "sections": sections,
            "cssImpression": cssImpression(gauche: enTeteImpression, droite: libelleDiffusion),
        ]
    }

    /// The CSS of the print margin boxes: C360, period and diffusion on every page.
    func cssImpression(gauche: String, droite: String) -> String {
        let police = "font-family: \"Segoe UI\", Arial, \"Liberation Sans\", \"DejaVu Sans\", sans-serif; font-size: 8pt; color: #4A4A4A;"
        return """
        @page { @top-left { content: \(HTMLTexte.chaineCSS(gauche)); \(police) } @top-right { content: \(HTMLTexte.chaineCSS(droite)); \(police) } \
        @bottom-right { content: "Page " counter(page) " / " counter(pages); \(police) } }
        """
    }
}

/// Short French names of the indicators, for charts, cards and compact tables (the full wording
/// of the cahier des charges is given in the main table and the methodology).
enum LibellesHTML {
    static let noms: [String: String] = [
        "1.1": "Sollicitations reçues",
        "1.2": "Sollicitations par profil",
        "1.3": "Demandes de recherche de solution",
        "1.4": "Solutions issues d'évaluations préexistantes",
        "1.5": "Solutions proposées",
        "1.6": "Solutions acceptées",
        "1.7": "Délai moyen avant la première proposition",
        "2.1": "Accompagnements après repérage (aller vers)",
        "2.2": "Solutions ad hoc avec les partenaires",
        "2.3": "Solutions incluant du milieu ordinaire",
        "3.1": "Projets de vie co-construits",
        "4.1": "ETP dédiés à la recherche de solutions",
        "4.2": "Acteurs référencés dans l'annuaire",
        "4.3": "Temps des membres cœur",
        "5.1": "Partenaires hors membres cœur",
        "x.type": "Sollicitations par type de demande",
        "x.canal": "Sollicitations par canal d'entrée",
        "x.niveau": "Sollicitations par niveau d'intervention",
        "x.rapt": "Orientations vers la RAPT",
        "x.age": "Sollicitations par tranche d'âge",
        "x.personnes": "Personnes distinctes",
        "x.file_active": "File active en fin de période",
        "x.delais": "Demandes ayant reçu une proposition",
    ]

    static func nom(_ i: Indicateur) -> String { noms[i.code] ?? i.libelle }
}
