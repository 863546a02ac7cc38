import Foundation
import ObservatoireCore
import ObservatoireIndicateurs

/// Published values in French words and figures, for every writer alike. This is the one place
/// where a status becomes words (``Formulation/mots(_:nature:)``) and where a masked value
/// becomes « moins de 5 »: no writer formats an indicator's value by itself.
struct Formulation {
    let seuil: Int
    /// Thousands separator and space before units (non-breaking: never cut at a line's end).
    let espace = "\u{00A0}"

    /// What a value is, for the words of its status.
    enum Nature { case effectif, taux, grandeur }

    /// A status in words; nil when the value is computed and shown.
    static func mots(_ statut: StatutIndicateur, nature: Nature, seuil: Int) -> String? {
        switch statut {
        case .calcule: return nil
        case .nonCalcule: return "non calculable"
        case .nonCollecte: return "non collecté"
        case .pasDeDonnees: return "pas de données"
        case .effectifInsuffisant: return "effectif insuffisant"
        case .masque:
            switch nature {
            case .effectif: return "moins de \(seuil)"
            case .taux: return "masqué"
            case .grandeur: return "effectif insuffisant"
            }
        }
    }

    func mots(_ statut: StatutIndicateur, nature: Nature) -> String? { Formulation.mots(statut, nature: nature, seuil: seuil) }

    /// Why a figure is withheld, in words: « moins de 5 » for a small count, « masqué » for a
    /// count or rate withheld so that a small one cannot be recovered, « effectif insuffisant »
    /// for what rests on too few requests. Never a masked value read as a rate or a delay.
    static func mots(_ r: Retenue, nature: Nature, seuil: Int) -> String {
        switch r {
        case .petitEffectif: return nature == .effectif ? "moins de \(seuil)" : "effectif insuffisant"
        case .secret: return "masqué"
        case .effectifInsuffisant: return "effectif insuffisant"
        }
    }

    func mots(_ r: Retenue, nature: Nature) -> String { Formulation.mots(r, nature: nature, seuil: seuil) }

    /// A status that replaces every figure of the indicator (nothing to show at all).
    func statutGlobal(_ v: ValeurIndicateur) -> String? {
        switch v.statut {
        case .nonCollecte, .pasDeDonnees: return mots(v.statut, nature: .effectif)
        default: return nil
        }
    }

    static func nature(_ u: Indicateur.Unite) -> Nature { u == .nombre ? .effectif : .grandeur }

    func enMots(_ texte: String, etat: Mesure.Etat = .statut) -> Mesure {
        Mesure(texte: texte, nombre: nil, format: .entier, etat: etat)
    }

    func chiffre(_ x: Double, _ format: Mesure.Format) -> Mesure {
        let texte: String
        switch format {
        case .entier: texte = FormatFrancais.nombre(x, decimalesMax: 1, espace: espace)
        case .decimal1: texte = FormatFrancais.decimal(x, 1, espace: espace)
        case .decimal2: texte = FormatFrancais.decimal(x, 2, espace: espace)
        case .jours: texte = FormatFrancais.decimal(x, 1, espace: espace) + espace + "j"
        case .etp: texte = FormatFrancais.decimal(x, 2, espace: espace) + espace + "ETP"
        case .pourcent: texte = FormatFrancais.pourcentage(x, espace: espace)
        case .evolution: texte = (x > 0 ? "+" : "") + FormatFrancais.pourcentage(x, espace: espace)
        case .points: texte = (x > 0 ? "+" : "") + FormatFrancais.decimal(x, 1, espace: espace) + espace + (abs(x) >= 2 ? "points" : "point")
        }
        return Mesure(texte: texte, nombre: x, format: format, etat: .valeur)
    }

    static func format(_ u: Indicateur.Unite) -> Mesure.Format {
        switch u {
        case .nombre: return .entier
        case .jours: return .jours
        case .etp: return .etp
        }
    }

    // MARK: - An indicator's figures

    /// The headline value.
    func valeur(_ v: ValeurIndicateur?) -> Mesure {
        guard let v else { return .absent }
        if let m = statutGlobal(v) { return enMots(m) }
        let nature = Formulation.nature(v.indicateur.unite)
        if let r = v.valeurRetenue { return enMots(mots(r, nature: nature), etat: .masque) }
        guard let x = v.valeur else { return enMots(mots(.nonCalcule, nature: nature)!) }
        return chiffre(x, Formulation.format(v.indicateur.unite))
    }

    /// The rate (empty for an indicator without one), optionally with its fraction.
    func taux(_ v: ValeurIndicateur?, fraction: Bool = false) -> Mesure {
        guard let v, v.indicateur.taux != nil else { return .vide }
        if let m = statutGlobal(v) { return enMots(m) }
        if let r = v.tauxRetenu { return enMots(mots(r, nature: .taux), etat: .masque) }
        guard let t = v.taux else { return enMots(mots(.nonCalcule, nature: .taux)!) }
        var m = chiffre(t, .pourcent)
        if fraction {
            m.texte += " (\(compte(v.numerateur, retenue: v.numerateurRetenu).texte) / \(compte(v.denominateur, retenue: v.denominateurRetenu).texte))"
        }
        return m
    }

    /// The rate when the indicator has one, else the value.
    func principale(_ v: ValeurIndicateur?) -> Mesure {
        guard let v else { return .absent }
        return v.indicateur.taux != nil ? taux(v) : valeur(v)
    }

    func compte(_ x: Double?, retenue: Retenue?) -> Mesure {
        if let r = retenue { return enMots(mots(r, nature: .effectif), etat: .masque) }
        guard let x else { return .absent }
        return chiffre(x, .entier)
    }

    /// A breakdown line's count (or ETP).
    func n(_ l: LigneRepartition?, unite: Indicateur.Unite) -> Mesure {
        guard let l else { return .absent }
        let nature: Nature = unite == .etp ? .grandeur : .effectif
        if let r = l.retenue { return enMots(mots(r, nature: nature), etat: .masque) }
        guard let x = l.n else { return .absent }
        return chiffre(x, unite == .etp ? .etp : .entier)
    }

    /// A breakdown line's share.
    func part(_ l: LigneRepartition?) -> Mesure {
        guard let l else { return .absent }
        if let r = l.tauxRetenu ?? l.retenue { return enMots(mots(r, nature: .taux), etat: .masque) }
        guard let t = l.taux else { return l.base == nil ? .vide : enMots("non calculable") }
        return chiffre(t, .pourcent)
    }

    /// A named statistic, formatted by the unit its header declares.
    func statistique(_ v: ValeurIndicateur?, _ nom: String) -> Mesure {
        guard let v, let def = v.indicateur.statistique(nom) else { return .absent }
        if let m = statutGlobal(v) { return enMots(m) }
        guard let s = v.statistiques.first(where: { $0.nom == nom }) else { return .absent }
        if let r = s.retenue { return enMots(mots(r, nature: def.unite == .nombre ? .effectif : .grandeur), etat: .masque) }
        guard let x = s.valeur else { return enMots("non calculable") }
        switch def.unite {
        case .nombre: return chiffre(x, .entier)
        case .jours: return chiffre(x, .jours)
        case .etp: return chiffre(x, .etp)
        // The engine keeps one decimal for these averages: shown as it is (« 1,1 », never « 1,10 »).
        case .decimal: return chiffre(x, .decimal1)
        }
    }

    func cible(_ v: ValeurIndicateur?) -> String? {
        guard let v, let c = v.cible else { return nil }
        let valeur = v.indicateur.taux != nil ? FormatFrancais.pourcentage(c.valeur, espace: espace)
            : chiffre(c.valeur, Formulation.format(v.indicateur.unite)).texte
        return (c.sens == .auMoins ? "≥" : "≤") + espace + valeur
    }

    /// Met, missed, or not judged: a value in words never counts as met or missed.
    func atteinte(_ v: ValeurIndicateur?) -> Atteinte {
        guard let v, v.cible != nil else { return .sansCible }
        let mesure = principale(v)
        guard mesure.estChiffre, let a = v.atteinte else {
            return .nonJugee(mesure.estChiffre ? "non jugée" : "non jugée (\(mesure.texte))")
        }
        return a ? .atteinte : .nonAtteinte
    }

    /// The change from N-1: in percent for a count, in points for a rate; nil when one side is
    /// not a published figure.
    func evolution(_ v: ValeurIndicateur?, _ p: ValeurIndicateur?, taux: Bool) -> Mesure? {
        guard let v, let p else { return nil }
        let a = taux ? self.taux(v) : valeur(v), b = taux ? self.taux(p) : valeur(p)
        guard a.estChiffre, b.estChiffre, let x = a.nombre, let y = b.nombre else { return nil }
        if taux { return chiffre(FormatFrancais.arrondi(x - y), .points) }
        guard y != 0 else { return nil }
        return chiffre(FormatFrancais.arrondi((x - y) / y * 100), .evolution)
    }

    // MARK: - Keys and periods

    static func estMois(_ cle: String) -> Bool {
        cle.count == 7 && cle.dropFirst(4).first == "-" && Int(cle.prefix(4)) != nil && (Int(cle.suffix(2)).map { (1...12).contains($0) } ?? false)
    }

    /// « janv. » from « 2025-01 ».
    static func moisCourt(_ cle: String) -> String {
        guard estMois(cle), let m = Int(cle.suffix(2)) else { return cle }
        return Periode.nomsCourtsDesMois[m - 1]
    }

    static func moisLong(_ cle: String) -> String {
        guard estMois(cle), let m = Int(cle.suffix(2)) else { return cle }
        return Periode.nomsDesMois[m - 1]
    }
}
