import Foundation
import ObservatoireConsolidation
import ObservatoireCore
import ObservatoireIndicateurs

/// Builds the consolidated report (regional or national) from a ``Consolidation``: a summary
/// of every indicator across the C360s, what each C360 sent, the targets met by each, then a
/// page per indicator — the C360s ranked on a dot plot, the tile map of départements, their
/// table —, and the methodology. Every figure comes from the C360s' published files; a withheld
/// one is said in words, never estimated.
///
/// ```swift
/// let document = try CompositionConsolidation.document(consolidation, modeles: Modeles(surcharge: nil))
/// ```
public enum CompositionConsolidation {
    public static func document(_ c: Consolidation, modeles: Modeles) throws -> DocumentRapport {
        let k = Consolidee(c)
        var sections = [
            SectionDocument(id: "synthese", titre: "Synthèse", onglet: "Synthèse", blocs: k.synthese()),
            SectionDocument(id: "completude", titre: "Ce que chaque C360 a envoyé", onglet: "Complétude", blocs: k.completude()),
            SectionDocument(id: "cibles", titre: "Cibles atteintes par C360", onglet: "Cibles", blocs: k.cibles()),
        ]
        var onglets = Set(sections.map(\.onglet))
        for i in c.indicateurs {
            var onglet = Consolidee.onglet(i)
            var n = 2
            while onglets.contains(onglet) { onglet = String(Consolidee.onglet(i).prefix(27)) + " (\(n))"; n += 1 }
            onglets.insert(onglet)
            sections.append(SectionDocument(id: "indicateur-" + NomDeFichier.sur(i.code), titre: k.titre(i), onglet: onglet, blocs: k.page(i)))
        }
        sections.append(SectionDocument(id: "methodologie", titre: "Méthodologie", onglet: "Méthodologie",
                                        blocs: [.markdown(try modeles.texte("methodologie-consolidation.md"), nomDesTableaux: "Tableau de la méthodologie")]))
        let titre = c.perimetre == .national ? "Consolidation nationale des Communautés 360" : "Consolidation régionale des Communautés 360"
        let lieu = c.perimetre == .national ? "France entière" : c.perimetre.libelle.prefix(1).uppercased() + c.perimetre.libelle.dropFirst()
        return DocumentRapport(
            genre: .consolidation, titre: "\(titre) — \(k.n)", titrePage: "\(titre) — \(lieu) — \(k.n)",
            sousTitre: "\(lieu) — \(c.periode.estUneAnnee ? "année \(k.n)" : c.periode.libelle) — \(Consolidee.pluriel(c.c360.count, "C360")) sur \(Consolidee.pluriel(c.participants.count, "département"))",
            nomC360: String(lieu), departement: "", extraction: c.date, diffusion: .externe, seuil: c.seuil,
            enTeteImpression: "Observatoire 360 — consolidation \(c.perimetre == .national ? "nationale" : c.perimetre.libelle) — \(k.n)",
            sections: sections)
    }
}

/// The words and tables of one consolidation.
final class Consolidee {
    let c: Consolidation
    let f: Formulation
    /// « 2025 », or the period's label when it is not a year.
    let n: String
    let n1: String

    init(_ c: Consolidation) {
        self.c = c
        f = Formulation(seuil: c.seuil)
        n = c.periode.estUneAnnee ? String(c.periode.debut.annee) : c.periode.libelle
        n1 = c.periodePrecedente.estUneAnnee ? String(c.periodePrecedente.debut.annee) : c.periodePrecedente.libelle
    }

    static func pluriel(_ k: Int, _ mot: String, _ pluriel: String? = nil) -> String {
        "\(FormatFrancais.entier(k, espace: "\u{00A0}")) \(k > 1 ? (pluriel ?? (mot == "C360" ? mot : mot + "s")) : mot)"
    }

    /// The sheet of an indicator: its code and short name, within Excel's 31 characters and rules.
    static func onglet(_ i: IndicateurConsolide) -> String {
        let brut = "\(i.code) \(i.libelleCourt)"
        let propre = String(brut.map { "[]:*?/\\".contains($0) ? " " : $0 }).trimmingCharacters(in: CharacterSet(charactersIn: "' "))
        return propre.count > 31 ? String(propre.prefix(30)).trimmingCharacters(in: .whitespaces) + "…" : propre
    }

    func numero(_ i: IndicateurConsolide) -> String? { i.catalogue?.estOfficiel ?? false ? i.code : nil }

    func titre(_ i: IndicateurConsolide) -> String { (numero(i).map { "\($0) — " } ?? "") + i.libelleCourt }

    func format(_ i: IndicateurConsolide) -> Mesure.Format { Formulation.format(i.unite) }

    func nature(_ i: IndicateurConsolide) -> Formulation.Nature { Formulation.nature(i.unite) }

    // MARK: Figures in words

    /// A published figure, or its words.
    func figure(_ x: Figure, _ format: Mesure.Format, nature: Formulation.Nature) -> Mesure {
        switch x {
        case .nombre(let v): return f.chiffre(v, format)
        case .retenue(let r): return f.enMots(f.mots(r, nature: nature), etat: .masque)
        case .absente: return f.enMots("non calculable")
        }
    }

    /// The words that replace every figure of an indicator (not collected, no data, not in the file).
    func statutGlobal(_ x: IndicateurEchange?) -> Mesure? {
        guard let x else { return f.enMots("absent du fichier") }
        switch x.statut {
        case .nonCollecte, .pasDeDonnees: return f.enMots(f.mots(x.statut, nature: .effectif)!)
        default: return nil
        }
    }

    func valeur(_ x: IndicateurEchange?, _ i: IndicateurConsolide) -> Mesure {
        if let m = statutGlobal(x) { return m }
        return figure(x!.valeur, format(i), nature: nature(i))
    }

    func taux(_ x: IndicateurEchange?, _ i: IndicateurConsolide, fraction: Bool = false) -> Mesure {
        guard i.aUnTaux else { return .vide }
        if let m = statutGlobal(x) { return m }
        var m = figure(x!.taux, .pourcent, nature: .taux)
        if fraction, m.estChiffre {
            m.texte += " (\(figure(x!.numerateur, .entier, nature: .effectif).texte) / \(figure(x!.denominateur, .entier, nature: .effectif).texte))"
        }
        return m
    }

    /// What the C360s are compared on: the rate when there is one, else the value.
    func principale(_ x: IndicateurEchange?, _ i: IndicateurConsolide) -> Mesure { i.aUnTaux ? taux(x, i) : valeur(x, i) }

    func mesure(_ v: Double?, _ i: IndicateurConsolide) -> Mesure {
        guard let v else { return f.enMots("non calculable") }
        return f.chiffre(v, i.aUnTaux ? .pourcent : format(i))
    }

    func cible(_ c: Cible?, _ i: IndicateurConsolide) -> String? {
        guard let c else { return nil }
        let v = i.aUnTaux ? FormatFrancais.pourcentage(c.valeur, espace: f.espace) : f.chiffre(c.valeur, format(i)).texte
        return (c.sens == .auMoins ? "≥" : "≤") + f.espace + v
    }

    func atteinte(_ x: IndicateurEchange?, _ i: IndicateurConsolide) -> Atteinte {
        guard let x, x.cible != nil else { return .sansCible }
        let m = principale(x, i)
        guard m.estChiffre, let a = x.atteinte else { return .nonJugee(m.estChiffre ? "non jugée" : "non jugée (\(m.texte))") }
        return a ? .atteinte : .nonAtteinte
    }

    func evolution(_ e: Double?, _ i: IndicateurConsolide) -> Mesure {
        guard let e else { return .vide }
        return f.chiffre(e, i.aUnTaux ? .points : .evolution)
    }

    func rang(_ r: Int?, sur total: Int) -> String {
        guard let r else { return "—" }
        return "\(r)\(r == 1 ? "er" : "e") sur \(total)"
    }

    /// « 11 C360 sur 12 ».
    func couverture(_ k: Int) -> String { "\(k) sur \(c.c360.count)" }

    func ensembleValeur(_ i: IndicateurConsolide) -> Mesure {
        guard let v = i.ensemble.valeur else { return f.enMots(i.ensemble.couvertureValeur.isEmpty ? "aucune valeur publiée" : "non calculable") }
        return f.chiffre(v, format(i))
    }

    func ensembleTaux(_ i: IndicateurConsolide, fraction: Bool = false) -> Mesure {
        guard i.aUnTaux else { return .vide }
        guard let t = i.ensemble.taux else { return f.enMots(i.ensemble.couvertureTaux.isEmpty ? "aucun taux publié" : "non calculable") }
        var m = f.chiffre(t, .pourcent)
        if fraction, let a = i.ensemble.numerateur, let b = i.ensemble.denominateur {
            m.texte += " (\(f.chiffre(a, .entier).texte) / \(f.chiffre(b, .entier).texte))"
        }
        return m
    }

    func ensembleN1(_ i: IndicateurConsolide) -> Mesure {
        guard let a = i.ensembleN1Constant else { return f.enMots("pas de fichier \(n1)") }
        return mesure(i.aUnTaux ? a.taux : a.valeur, i)
    }

    /// The C360s the consolidated figure is over, in a sentence.
    func phraseEnsemble(_ i: IndicateurConsolide) -> String {
        var t = ""
        if i.aUnTaux {
            t = "Ensemble des C360 : \(ensembleTaux(i, fraction: true).texte), soit la somme des numérateurs sur la somme des dénominateurs de \(Consolidee.pluriel(i.ensemble.couvertureTaux.count, "C360")) sur \(c.c360.count) (celles qui publient les deux)"
            if i.ensemble.valeur != nil {
                t += " ; \(i.libelleCourt.lowercased()) : \(ensembleValeur(i).texte) sur \(Consolidee.pluriel(i.ensemble.couvertureValeur.count, "C360"))"
            }
        } else if i.unite == .jours {
            t = "Ensemble des C360 : \(ensembleValeur(i).texte), moyenne des délais des C360 pondérée par leur nombre de demandes, sur \(Consolidee.pluriel(i.ensemble.couvertureValeur.count, "C360")) sur \(c.c360.count) (celles qui publient le délai et son nombre de demandes)"
        } else {
            t = "Ensemble des C360 : \(ensembleValeur(i).texte), somme des valeurs publiées par \(Consolidee.pluriel(i.ensemble.couvertureValeur.count, "C360")) sur \(c.c360.count)"
        }
        let hors = c.c360.count - (i.aUnTaux ? i.ensemble.couvertureTaux.count : i.ensemble.couvertureValeur.count)
        if hors == 1 { t += ". L'autre C360 n'y est pas : son chiffre n'est pas publié (secret statistique, non collecté ou non calculable), et il n'est jamais estimé" }
        if hors > 1 { t += ". Les \(hors) autres C360 n'y sont pas : leur chiffre n'est pas publié (secret statistique, non collecté ou non calculable), et il n'est jamais estimé" }
        return t + "."
    }

    func phraseDistribution(_ i: IndicateurConsolide) -> String? {
        guard let d = i.distribution else { return nil }
        if d.n == 1 { return "Une seule C360 publie ce chiffre : \(mesure(d.mediane, i).texte)." }
        return "Entre C360 (\(d.n) chiffres publiés) : médiane \(mesure(d.mediane, i).texte) ; la moitié des C360 entre \(mesure(d.q1, i).texte) et \(mesure(d.q3, i).texte) ; de \(mesure(d.minimum, i).texte) à \(mesure(d.maximum, i).texte)."
    }

    // MARK: Summary

    func synthese() -> [Bloc] {
        let envoyes = c.c360.count
        var blocs: [Bloc] = []
        var chapeau = "\(Consolidee.pluriel(envoyes, "Communauté 360", "Communautés 360")) \(envoyes > 1 ? "ont" : "a") envoyé les indicateurs \(c.periode.estUneAnnee ? "de l'année \(n)" : "de la période \(n)"), sur les \(Consolidee.pluriel(c.participants.count, "département")) de la \(c.perimetre.libelle)"
        chapeau += c.avecPrecedent > 0 ? " ; \(c.avecPrecedent) \(c.avecPrecedent > 1 ? "ont" : "a") aussi envoyé ceux de \(n1), pour la comparaison." : " ; aucun fichier de \(n1) n'est là pour la comparaison."
        blocs.append(.paragraphe(chapeau, .chapeau))
        let problemes = c.ecartes.filter(\.estUnProbleme)
        if !problemes.isEmpty {
            blocs.append(.paragraphe("\(Consolidee.pluriel(problemes.count, "fichier")) \(problemes.count > 1 ? "n'ont" : "n'a") pas été \(problemes.count > 1 ? "consolidés" : "consolidé") (export interne, empreinte qui ne correspond pas, doublon…) : voir « Ce que chaque C360 a envoyé ».", .avertissement))
        }
        blocs.append(.paragraphe("Chaque chiffre d'ensemble n'additionne que des chiffres publiés par les C360 : un taux d'ensemble est la somme des numérateurs sur la somme des dénominateurs des C360 qui publient les deux ; la colonne « C360 prises en compte » dit combien. Médiane et quartiles décrivent l'écart entre C360.", .normal))
        let groupes = CompositionCommune.ordreObjectifs.compactMap { objectif -> GroupeDocument? in
            let liste = c.indicateurs.filter { ($0.catalogue?.objectif ?? "complementaire") == objectif }
            guard !liste.isEmpty else { return nil }
            return GroupeDocument(titre: CompositionCommune.titreObjectif(objectif), lignes: liste.map { i in
                let d = i.distribution
                return LigneDocument(code: i.code, numero: numero(i), entete: i.libelleCourt, precision: i.catalogue?.taux.map { "taux : \($0)" }, cellules: [
                    .valeurEtTaux(ensembleValeur(i), i.aUnTaux ? ensembleTaux(i) : nil),
                    .texte(couverture(i.aUnTaux ? i.ensemble.couvertureTaux.count : i.ensemble.couvertureValeur.count)),
                    .mesure(d.map { mesure($0.mediane, i) } ?? .absent),
                    .texte(d.map { "\(mesure($0.q1, i).texte) à \(mesure($0.q3, i).texte)" } ?? "—"),
                    .texte(d.map { "\(mesure($0.minimum, i).texte) à \(mesure($0.maximum, i).texte)" } ?? "—"),
                    .mesure(ensembleN1(i)),
                    .mesure(evolution(i.evolutionEnsemble, i)),
                ])
            })
        }
        blocs.append(.tableau(TableauDocument(
            legende: "Les indicateurs de la \(c.perimetre.libelle), \(c.periode.libelle) : ensemble des C360 et écart entre elles",
            enTeteLignes: "Indicateur", avecCode: true,
            colonnes: ["Ensemble \(n) (valeur, taux)", "C360 prises en compte", "Médiane des C360", "Moitié des C360 (Q1 à Q3)",
                       "Plus bas à plus haut", "\(n1), mêmes C360", "Évolution (mêmes C360)"],
            groupes: groupes, resume: true)))
        blocs.append(.notes([
            "Ensemble : somme des valeurs publiées (un délai : moyenne pondérée par le nombre de demandes) ; pour un indicateur qui a un taux, le taux d'ensemble (somme des numérateurs sur somme des dénominateurs) est écrit sous la valeur.",
            "Médiane, quartiles, plus bas et plus haut : sur les chiffres publiés des C360 (le taux quand l'indicateur en a un), quartiles calculés comme QUARTILE.INCLURE d'Excel.",
            "\(n1), mêmes C360 : l'ensemble de l'année précédente sur les seules C360 qui publient le chiffre les deux années ; l'évolution compare les deux sur ce même périmètre (en points pour un taux).",
        ]))
        return blocs
    }

    // MARK: Completeness

    func completude() -> [Bloc] {
        var blocs: [Bloc] = [.paragraphe("Pour chaque département de la \(c.perimetre.libelle) : le fichier d'indicateurs reçu pour \(n) et pour \(n1), sa version du format d'échange, sa date d'extraction, et si son empreinte SHA-256 a été vérifiée.", .normal)]
        let lignes = c.participants.map { p -> LigneDocument in
            let x = p.fichier
            let format: String = x.map { f in f.versionFormat.map { "version \($0)" } ?? "ancien (sans version)" } ?? "—"
            let extraction = x?.extraction.map { Horodatage.francais($0) } ?? (x == nil ? "—" : "inconnue")
            let empreinte = x.map { $0.empreinteVerifiee ? "vérifiée" : "absente" } ?? "—"
            return LigneDocument(code: p.departement.code, entete: p.departement.libelle, cellules: [
                .texte(x?.c360 ?? "aucun fichier"),
                .texte(x == nil ? "non reçu" : "reçu"), .texte(p.precedent == nil ? (x == nil ? "—" : "non reçu") : "reçu"),
                .texte(format), .texte(extraction), .texte(empreinte),
            ])
        }
        blocs.append(.tableau(TableauDocument(legende: "Fichiers reçus, par département", enTeteLignes: "Département",
                                              colonnes: ["C360", "Fichier \(n)", "Fichier \(n1)", "Format", "Extraction", "Empreinte"],
                                              groupes: [GroupeDocument(titre: nil, lignes: lignes)], large: true)))
        // What each C360 could not publish.
        var lignesStatuts: [LigneDocument] = []
        for p in c.c360 {
            let fichier = p.fichier!
            func codes(_ filtre: (IndicateurEchange) -> Bool) -> String {
                let l = fichier.indicateurs.filter(filtre).map(\.code)
                return l.isEmpty ? "—" : l.joined(separator: ", ")
            }
            let masques = codes { x in x.statut == .masque || x.statut == .effectifInsuffisant }
            let nonCollectes = codes { $0.statut == .nonCollecte }
            let nonCalcules = codes { $0.statut == .nonCalcule || $0.statut == .pasDeDonnees }
            let attendus = c.indicateurs.map(\.code).filter { fichier[$0] == nil }
            lignesStatuts.append(LigneDocument(code: p.departement.code, entete: "\(p.departement.libelle) — \(fichier.c360)", cellules: [
                .texte(masques), .texte(nonCollectes), .texte(nonCalcules), .texte(attendus.isEmpty ? "—" : attendus.joined(separator: ", ")),
            ]))
        }
        blocs.append(.titre("Indicateurs que chaque C360 n'a pas pu publier"))
        blocs.append(.tableau(TableauDocument(legende: "Indicateurs non publiés, par C360 (codes des indicateurs)", enTeteLignes: "C360",
                                              colonnes: ["Masqués (secret statistique)", "Non collectés", "Non calculables", "Absents du fichier"],
                                              groupes: [GroupeDocument(titre: nil, lignes: lignesStatuts)], resume: true)))
        let parIndicateur = c.indicateurs.map { i -> LigneDocument in
            let publies = i.lignes.filter { $0.mesure != nil }.count
            let masques = i.lignes.filter { l in l.indicateur.map { $0.statut == .masque || $0.statut == .effectifInsuffisant } ?? false }.count
            let nonCollectes = i.lignes.filter { $0.indicateur?.statut == .nonCollecte }.count
            return LigneDocument(code: i.code, numero: numero(i), entete: i.libelleCourt, cellules: [
                .mesure(f.chiffre(Double(publies), .entier)), .mesure(f.chiffre(Double(masques), .entier)),
                .mesure(f.chiffre(Double(nonCollectes), .entier)), .mesure(f.chiffre(Double(c.c360.count - publies - masques - nonCollectes), .entier)),
            ])
        }
        blocs.append(.tableau(TableauDocument(legende: "Nombre de C360 par indicateur : chiffre publié, masqué, non collecté, autre (non calculable, absent)",
                                              enTeteLignes: "Indicateur", avecCode: true,
                                              colonnes: ["Publié", "Masqué", "Non collecté", "Autre"],
                                              groupes: [GroupeDocument(titre: nil, lignes: parIndicateur)], resume: true)))
        blocs.append(.titre("Fichiers non consolidés"))
        if c.ecartes.isEmpty {
            blocs.append(.paragraphe("Aucun : tous les fichiers lus ont été consolidés (\(Consolidee.pluriel(c.fichiersLus, "fichier")) lus).", .normal))
        } else {
            let lignesEcartes = c.ecartes.map { e in
                LigneDocument(entete: e.nom, cellules: [.texte(Consolidee.motif(e.motif)), .texte(e.raison), .texte(e.conseil ?? "")])
            }
            blocs.append(.tableau(TableauDocument(legende: "Fichiers lus mais non consolidés, et pourquoi", enTeteLignes: "Fichier",
                                                  colonnes: ["Motif", "Raison", "Que faire"],
                                                  groupes: [GroupeDocument(titre: nil, lignes: lignesEcartes)], resume: true)))
        }
        let avertis = c.c360.flatMap { p in [p.fichier, p.precedent].compactMap { $0 }.filter { !$0.avertissements.isEmpty }.map { (p, $0) } }
        if !avertis.isEmpty {
            blocs.append(.titre("Fichiers consolidés avec une remarque"))
            blocs.append(.notes(avertis.map { p, f in "\(f.nom) (\(p.departement.libelle)) : \(f.avertissements.joined(separator: " ; "))." }))
        }
        return blocs
    }

    static func motif(_ m: FichierEcarte.Motif) -> String {
        switch m {
        case .refuse: return "refusé"
        case .doublon: return "doublon"
        case .autrePeriode: return "autre période"
        case .horsPerimetre: return "hors périmètre"
        case .tableauConsolide: return "tableau consolidé"
        }
    }

    // MARK: Targets

    func cibles() -> [Bloc] {
        let avecCible = c.indicateurs.filter { i in i.lignes.contains { $0.indicateur?.cible != nil } }
        guard !avecCible.isEmpty else {
            return [.paragraphe("Aucune C360 n'a de cible dans ses fichiers pour ces indicateurs.", .normal)]
        }
        var lignes: [LigneDocument] = []
        for p in c.c360 {
            var cellules: [Cellule] = []
            var atteintes = 0, jugees = 0, total = 0
            for i in avecCible {
                let x = p.fichier![i.code]
                let a = atteinte(x, i)
                if x?.cible != nil { total += 1 }
                if a == .atteinte { atteintes += 1; jugees += 1 }
                if a == .nonAtteinte { jugees += 1 }
                cellules.append(.atteinte(a))
            }
            cellules.insert(.texte(total == 0 ? "pas de cible" : "\(atteintes) sur \(total)"), at: 0)
            lignes.append(LigneDocument(code: p.departement.code, entete: "\(p.departement.libelle) — \(p.fichier!.c360)", cellules: cellules))
        }
        let colonnes = ["Cibles atteintes"] + avecCible.map { i in (numero(i).map { "\($0) " } ?? "") + i.libelleCourt }
        return [
            .paragraphe("Chaque C360 fixe ses cibles dans sa feuille de route ; elles peuvent différer d'une C360 à l'autre. Une cible n'est jugée que sur un chiffre publié : « non jugée » ne compte ni comme atteinte ni comme manquée.", .normal),
            .tableau(TableauDocument(legende: "Atteinte des cibles de la feuille de route, par C360, \(c.periode.libelle)", enTeteLignes: "C360",
                                     colonnes: colonnes, groupes: [GroupeDocument(titre: nil, lignes: lignes)], resume: true, large: colonnes.count > 5)),
        ]
    }

    // MARK: One indicator

    func page(_ i: IndicateurConsolide) -> [Bloc] {
        var blocs: [Bloc] = []
        if let e = i.catalogue?.explication { blocs.append(.paragraphe(e, .normal)) }
        blocs.append(.paragraphe(phraseEnsemble(i), .bilan))
        if let d = phraseDistribution(i) { blocs.append(.paragraphe(d, .normal)) }
        blocs.append(.figure(figurePoints(i)))
        blocs.append(.carte(carte(i)))
        return blocs
    }

    /// The published rows first, ranked from the highest; then the others, in département order.
    func ordre(_ i: IndicateurConsolide) -> [LigneConsolidee] {
        let publiees = i.lignes.filter { $0.mesure != nil }.sorted { ($0.mesure!, $1.departement.code) > ($1.mesure!, $0.departement.code) }
        return publiees + i.lignes.filter { $0.mesure == nil }
    }

    func figurePoints(_ i: IndicateurConsolide) -> FigureDocument {
        let lignes = ordre(i)
        let classees = lignes.filter { $0.rang != nil }.count
        let commune = i.cibleCommune
        let pts = lignes.map { l -> PointGraphique in
            let m = principale(l.indicateur, i)
            return PointGraphique(libelle: l.departement.libelle, valeur: m.estChiffre ? m.nombre : nil, texte: m.texte, masque: !m.estChiffre,
                                  cible: commune == nil ? l.indicateur?.cible?.valeur : nil)
        }
        let ensemble = i.mesureEnsemble.map { RepereGraphique(valeur: $0, texte: "Ensemble : \(mesure($0, i).texte)") }
        let repereCible = commune.map { RepereGraphique(valeur: $0.valeur, texte: "Cible \(self.cible($0, i)!)") }
        let quoi = i.aUnTaux ? "Taux" : (i.unite == .jours ? "Délai" : (i.unite == .etp ? "ETP" : "Valeur"))
        var description = "Points, une ligne par C360, de la plus haute à la plus basse : "
            + pts.map { "\($0.libelle) : \($0.texte)" }.joined(separator: " ; ") + "."
        if let e = ensemble { description += " Ligne pointillée : \(e.texte.lowercased())." }
        if let c = repereCible { description += " Ligne pleine : \(c.texte.lowercased())." }
        description += " Les mêmes chiffres sont dans le tableau qui suit."
        let titre = "\(i.libelleCourt), \(n) : les C360 classées"
        let axe = i.aUnTaux ? (i.catalogue?.taux.map { "Taux (\($0))" } ?? "Taux") : (i.unite == .jours ? "Jours" : (i.unite == .etp ? "Équivalents temps plein (ETP)" : "Nombre de \(i.catalogue?.compte ?? "cas")"))
        let graphique = Graphique(genre: .points, titre: titre, description: description, axeX: String(axe.prefix(90)), serie: pts, nomSerie: quoi,
                                  entiers: !i.aUnTaux && i.unite == .nombre, unite: i.aUnTaux ? "%" : "", ensemble: ensemble, cible: repereCible)
        var colonnes = [i.aUnTaux ? "Taux \(n)" : "Valeur \(n)"]
        if i.aUnTaux { colonnes.append("Valeur \(n)") }
        colonnes += ["Cible", "Atteinte de la cible", "Rang", "\(n1)", "Évolution"]
        let rows = lignes.map { l -> LigneDocument in
            var cellules: [Cellule] = [.mesure(i.aUnTaux ? taux(l.indicateur, i, fraction: true) : valeur(l.indicateur, i))]
            if i.aUnTaux { cellules.append(.mesure(valeur(l.indicateur, i))) }
            let precedent: Mesure = c.participants.first { $0.departement == l.departement }?.precedent == nil
                ? f.enMots("pas de fichier") : principale(l.precedent, i)
            cellules += [.texte(cible(l.indicateur?.cible, i) ?? "—"), .atteinte(atteinte(l.indicateur, i)), .texte(rang(l.rang, sur: classees)),
                         .mesure(precedent), .mesure(evolution(l.evolution, i))]
            return LigneDocument(code: l.departement.code, entete: "\(l.departement.libelle) — \(l.c360)", cellules: cellules)
        }
        var pied: [Cellule] = [.mesure(i.aUnTaux ? ensembleTaux(i, fraction: true) : ensembleValeur(i))]
        if i.aUnTaux { pied.append(.mesure(ensembleValeur(i))) }
        var atteinteEnsemble = Atteinte.sansCible
        if let cc = commune, let m = i.mesureEnsemble { atteinteEnsemble = cc.estAtteinte(par: m) ? .atteinte : .nonAtteinte }
        pied += [.texte(cible(commune, i) ?? ""), .atteinte(atteinteEnsemble), .texte(""), .mesure(ensembleN1(i)), .mesure(evolution(i.evolutionEnsemble, i))]
        let tableau = TableauDocument(legende: "\(i.libelleCourt), \(n) : chaque C360 et l'ensemble", enTeteLignes: "C360",
                                      colonnes: colonnes, groupes: [GroupeDocument(titre: nil, lignes: rows)],
                                      pied: [LigneDocument(entete: "Ensemble (\(i.aUnTaux ? i.ensemble.couvertureTaux.count : i.ensemble.couvertureValeur.count) C360 sur \(c.c360.count))", cellules: pied)],
                                      resume: true)
        var figure = FigureDocument(graphique: graphique, tableau: tableau, note: nil, colonneSerie: 0)
        figure.lignesGraphique = classees
        figure.note = "Le rang compte à partir du chiffre le plus élevé ; l'évolution compare au chiffre publié par la même C360 en \(n1) (en points pour un taux)."
        return figure
    }

    /// The tile map: every département of the perimeter, coloured by the C360's published figure.
    func carte(_ i: IndicateurConsolide) -> CarteDocument {
        let lignes = Dictionary(i.lignes.map { ($0.departement.code, $0) }, uniquingKeysWith: { a, _ in a })
        let (bornes, classes) = Consolidee.classes(i.lignes.compactMap(\.mesure)) { self.mesure($0, i).texte }
        let tuiles = c.participants.map { p -> TuileCarte in
            let d = p.departement
            guard p.fichier != nil, let l = lignes[d.code] else {
                return TuileCarte(code: d.code, nom: d.nom, ligne: d.ligne, colonne: d.colonne, texte: "—", libelle: "pas de fichier", etat: .sansFichier)
            }
            let m = principale(l.indicateur, i)
            if let v = l.mesure {
                return TuileCarte(code: d.code, nom: d.nom, ligne: d.ligne, colonne: d.colonne, texte: Consolidee.court(m.texte),
                                  libelle: m.texte, etat: .valeur(classe: Consolidee.classe(v, bornes)))
            }
            return TuileCarte(code: d.code, nom: d.nom, ligne: d.ligne, colonne: d.colonne, texte: Consolidee.court(m.texte), libelle: m.texte, etat: .nonPublie)
        }
        let avecFichier = c.participants.filter { $0.fichier != nil }
        let sans = c.participants.count - avecFichier.count
        let rows = avecFichier.map { p -> LigneDocument in
            let l = lignes[p.departement.code]
            let m = principale(l?.indicateur, i)
            let classe = l?.mesure.map { "\(Consolidee.classe($0, bornes) + 1) sur \(classes.count)" } ?? "non publié"
            return LigneDocument(code: p.departement.code, entete: p.departement.libelle, cellules: [.mesure(m), .texte(classe)])
        }
        let tableau = TableauDocument(legende: "Les chiffres de la carte : \(i.libelleCourt.lowercased()), \(n), par département", enTeteLignes: "Département",
                                      colonnes: [i.aUnTaux ? "Taux \(n)" : "Valeur \(n)", "Classe de couleur (1 = la plus claire)"],
                                      groupes: [GroupeDocument(titre: nil, lignes: rows)])
        let description = "Carte en tuiles des départements de la \(c.perimetre.libelle) : chaque département est un carré à sa place, coloré selon \(i.aUnTaux ? "le taux" : "la valeur") de sa C360 (\(classes.count) classes, du plus clair au plus foncé : \(classes.joined(separator: " ; "))), le chiffre écrit dans le carré. \(Consolidee.pluriel(avecFichier.count, "département")) avec un fichier, \(sans) sans fichier. Les mêmes chiffres sont dans le tableau qui suit."
        return CarteDocument(titre: "\(i.libelleCourt), \(n) : carte des départements", description: description, tuiles: tuiles, classes: classes,
                             tableau: tableau, note: sans > 0 ? "En gris, les \(Consolidee.pluriel(sans, "département")) sans fichier pour \(n) (ils ne sont pas dans le tableau)." : nil)
    }

    /// The text of a square: short enough for it (« 72,4 % », « < 5 », « non coll. »).
    static func court(_ texte: String) -> String {
        if texte.hasPrefix("moins de ") { return "< " + texte.dropFirst("moins de ".count) }
        switch texte {
        case "non collecté": return "non coll."
        case "non calculable": return "n. calc."
        case "effectif insuffisant": return "eff. ins."
        case "absent du fichier": return "absent"
        case "pas de données": return "—"
        default: return texte.replacingOccurrences(of: "\u{00A0}ETP", with: "")
        }
    }

    /// Colour classes by rank (quantiles): at most five, each a range of published figures; two
    /// equal figures are always in the same class. Returns each class's lower bound and label.
    static func classes(_ valeurs: [Double], texte: (Double) -> String) -> ([Double], [String]) {
        let x = valeurs.sorted()
        guard !x.isEmpty else { return ([], []) }
        let k = min(5, Set(x).count)
        var groupes: [[Double]] = Array(repeating: [], count: k)
        for v in x {
            let premier = x.firstIndex(of: v)!
            groupes[min(k - 1, premier * k / x.count)].append(v)
        }
        let pleins = groupes.filter { !$0.isEmpty }
        let bornes = pleins.map { $0.first! }
        let libelles = pleins.map { g in g.first! == g.last! ? texte(g.first!) : "de \(texte(g.first!)) à \(texte(g.last!))" }
        return (bornes, libelles)
    }

    static func classe(_ v: Double, _ bornes: [Double]) -> Int {
        max(0, (bornes.lastIndex { $0 <= v } ?? 0))
    }
}
