import Foundation
import XCTest
@testable import ObservatoireCore
@testable import ObservatoireIndicateurs

/// An attacker of the small-count rule, written from `spec/indicateurs.md` alone — not from the
/// `comptes` headers the protection reads — so that it checks the protection rather than
/// repeat it. It sees every table of one diffusion as published (`externe`), knows what each
/// figure counts, and solves, for every masked count, the linear relations between everything
/// published, in whole numbers ≥ 0: « < 5 » is between 1 and 4, « secret » at least 5 (it is
/// never a small count, and zero is never masked), a published rate or share is known to ±0,05 point, a mean per person to ±0,05. A
/// masked count is *recovered* when only one whole value fits. With ``complements``, the count a
/// published rate leaves out (denominator − numerator) is checked too when it is small.
///
/// The true figures (the same tables in `interne`) are used only to ask « is there a solution
/// where this cell differs from its true value? » and to confirm a recovery.
struct Attaquant {
    struct Recuperation: CustomStringConvertible {
        var cellule: String
        var valeur: Int
        var description: String { "\(cellule) = \(valeur)" }
    }

    let seuil: Int
    let territoires: [String]
    private var p = ProgrammeLineaire()
    private var index: [String: Int] = [:]
    private var publie: [Int: Int] = [:]
    private var masques: [Int: (nom: String, vrai: Int)] = [:]
    private var periodes: [String: [(debut: Jour, fin: Jour, variable: Int)]] = [:]
    private var parTerritoire: [String: [String: Int]] = [:]
    private(set) var cellulesMasquees = 0
    /// Whether the count a published rate leaves out (denominator − numerator: « 8 — 88,9 %
    /// (8 / 9) » leaves 1) is a count to protect too, when it is from 1 to the threshold − 1.
    var complements = false

    init(seuil: Int, territoires: [String]) {
        self.seuil = seuil
        self.territoires = territoires
    }

    // MARK: What the attacker knows of each indicator (spec/indicateurs.md)

    /// The sets requests and propositions are counted over (cohort rule): additive over months
    /// and over territories; the active caseload over territories only. The other sets are
    /// states at a date or per period (persons, actors, positions).
    private static func base(_ ensemble: String) -> String { String(ensemble.split(separator: ".")[0]) }
    private static func additifPeriode(_ ensemble: String) -> Bool { ["S", "Prop", "D", "R", "RD", "A"].contains(base(ensemble)) }
    private static func additifTerritoire(_ ensemble: String) -> Bool { additifPeriode(ensemble) || base(ensemble) == "FA" }

    private mutating func variable(_ ensemble: String, _ debut: Jour, _ fin: Jour, _ territoire: String?) -> Int {
        let nom = "\(ensemble)|\(debut.iso)|\(fin.iso)|\(territoire ?? "*")"
        if let v = index[nom] { return v }
        let v = p.variable(bas: 0, haut: nil)
        index[nom] = v
        if Attaquant.additifPeriode(ensemble) { periodes["\(ensemble)|\(territoire ?? "*")", default: []].append((debut, fin, v)) }
        if Attaquant.additifTerritoire(ensemble) { parTerritoire["\(ensemble)|\(debut.iso)|\(fin.iso)", default: [:]][territoire ?? "*"] = v }
        return v
    }

    private mutating func voir(_ v: Int, _ x: Double?, _ r: Retenue?, vrai: Double?, nom: String) {
        if let x {
            let n = Int(x.rounded())
            publie[v] = n
            p.ligne([(v, 1)], egalA: Double(n))
        } else if let r, let vrai {
            switch r {
            case .petitEffectif: p.ligne([(v, 1)], bas: 1, haut: Double(seuil - 1))
            // A secondary suppression is never a small count: at least the threshold.
            case .secret: p.ligne([(v, 1)], bas: Double(seuil), haut: nil)
            // A line withheld with the breakdown of a small total: nothing is known of it but
            // that it is ≥ 0. A zero there is no secret; any other value must stay unknown.
            case .effectifInsuffisant: if vrai == 0 { return }
            }
            if masques[v] == nil { cellulesMasquees += 1 }
            masques[v] = (nom, Int(vrai.rounded()))
        }
    }

    /// `100·num / den` rounded to one decimal is `t`.
    private mutating func taux(_ num: [Int], _ den: Int, _ t: Double?) {
        guard let t else { return }
        let termes = num.map { ($0, 100.0) }
        p.ligne(termes + [(den, -(t + 0.05))], auPlus: 0)
        p.ligne(termes + [(den, -(t - 0.05))], bas: 0, haut: nil)
    }

    /// With `complements`, `den − num` (never printed, but deduced from what is) must have
    /// another possible value when it is small.
    private mutating func complement(_ num: Int, _ den: Int, _ vraie: ValeurIndicateur, nom: String) {
        guard complements, let n = vraie.numerateur, let d = vraie.denominateur else { return }
        let reste = Int((d - n).rounded())
        guard reste >= 1, reste < seuil else { return }
        let v = p.variable(bas: 0, haut: nil)
        p.ligne([(v, 1), (num, 1), (den, -1)], egalA: 0)
        if masques[v] == nil { cellulesMasquees += 1 }
        masques[v] = (nom, reste)
    }

    private mutating func somme(_ total: Int, _ parties: [Int]) {
        p.ligne([(total, 1)] + parties.map { ($0, -1) }, egalA: 0)
    }

    private mutating func auPlus(_ a: [Int], _ b: [Int]) {
        p.ligne(a.map { ($0, 1) } + b.map { ($0, -1) }, auPlus: 0)
    }

    /// Reads one table of the diffusion, with its `interne` twin.
    mutating func lire(_ publiees: [ValeurIndicateur], vraies: [ValeurIndicateur], periode: Periode, territoire: String?) {
        let vraies = Dictionary(uniqueKeysWithValues: vraies.map { ($0.code, $0) })
        let (d, f) = (periode.debut, periode.fin)
        for var v in publiees {
            guard let w = vraies[v.code] else { continue }
            // « pas de données »: no row at all in the period; the reader reads its counts as 0.
            if v.sansDonnees {
                if v.zerosSansDonnees.contains("valeur") { v.valeur = 0 }
                if v.zerosSansDonnees.contains("numerateur") { v.numerateur = 0 }
                if v.zerosSansDonnees.contains("denominateur") { v.denominateur = 0 }
            }
            let t = v.indicateur.territorial ? territoire : nil
            func x(_ e: String) -> Int { variable(e, d, f, t) }
            func lignes(_ prefixe: String) -> [Int] {
                v.repartition.enumerated().map { i, l in
                    let id = x("\(prefixe)=\(l.cle)")
                    voir(id, l.n, l.retenue, vrai: w.repartition[i].n, nom: "\(v.code) \(l.cle) \(periode) \(territoire ?? "C360")")
                    return id
                }
            }
            func valeur(_ id: Int) { voir(id, v.valeur, v.valeurRetenue, vrai: w.valeur, nom: "\(v.code) valeur \(periode) \(territoire ?? "C360")") }
            func numerateur(_ id: Int) { voir(id, v.numerateur, v.numerateurRetenu, vrai: w.numerateur, nom: "\(v.code) numérateur \(periode) \(territoire ?? "C360")") }
            func denominateur(_ id: Int) { voir(id, v.denominateur, v.denominateurRetenu, vrai: w.denominateur, nom: "\(v.code) dénominateur \(periode) \(territoire ?? "C360")") }
            func stat(_ nom: String, _ id: Int) {
                guard let i = v.statistiques.firstIndex(where: { $0.nom == nom }) else { return }
                voir(id, v.statistiques[i].valeur, v.statistiques[i].retenue, vrai: w.statistique(nom), nom: "\(v.code) \(nom) \(periode) \(territoire ?? "C360")")
            }
            func parts(_ ids: [Int], _ base: Int) {
                for (i, l) in v.repartition.enumerated() { taux([ids[i]], base, l.taux) }
            }
            switch v.code {
            case "1.1":
                let s = x("S"); valeur(s)
                var mois: [Int] = []
                for (i, l) in v.repartition.enumerated() {
                    let debutMois = Jour(iso: l.cle + "-01")!
                    let id = variable("S", max(debutMois, d), min(debutMois.finDuMois, f), t)
                    voir(id, l.n, l.retenue, vrai: w.repartition[i].n, nom: "1.1 \(l.cle) \(territoire ?? "C360")")
                    mois.append(id)
                }
                if !(mois.count == 1 && mois[0] == s) && !mois.isEmpty { somme(s, mois) }
            case "1.2", "x.type", "x.canal", "x.niveau", "x.age":
                let attribut = ["1.2": "profil", "x.type": "type", "x.canal": "canal", "x.niveau": "niveau", "x.age": "age"][v.code]!
                let s = x("S"); valeur(s)
                let l = lignes("S.\(attribut)")
                if !l.isEmpty { somme(s, l); parts(l, s) }
                if v.code == "x.type", let i = v.repartition.firstIndex(where: { $0.cle == "recherche_solution" }) { somme(x("R"), [l[i]]) }
            case "x.rapt":
                let s = x("S"), oui = x("S.rapt=oui")
                valeur(oui); numerateur(oui); denominateur(s); taux([oui], s, v.taux)
                complement(oui, s, w, nom: "x.rapt non-oui \(periode) \(territoire ?? "C360")")
                let l = lignes("S.rapt")
                if !l.isEmpty { somme(s, l); parts(l, s) }
            case "1.3":
                let r = x("R"); valeur(r)
                let l = lignes("R.pb")
                if let i = v.repartition.firstIndex(where: { $0.cle == "non_renseigne" }) {
                    let autres = l.enumerated().filter { $0.offset != i }.map(\.element)
                    for a in autres { auPlus([a, l[i]], [r]) }           // a type ≤ R − none
                    auPlus([r], autres + [l[i]])                        // R − none ≤ Σ types
                    parts(l, r)
                }
                auPlus([r], [x("S")])
            case "1.4", "2.2", "2.3":
                let e = ["1.4": "Prop.eval", "2.2": "Prop.adhoc", "2.3": "Prop.milieu"][v.code]!
                let n = x(e), prop = x("Prop")
                valeur(n); numerateur(n); denominateur(prop); taux([n], prop, v.taux)
                complement(n, prop, w, nom: "\(v.code) complément \(periode) \(territoire ?? "C360")")
                auPlus([n], [prop])
            case "1.5":
                let prop = x("Prop"), rd = x("RD"), r = x("R")
                valeur(prop); numerateur(rd); denominateur(r); taux([rd], r, v.taux)
                complement(rd, r, w, nom: "1.5 sans proposition \(periode) \(territoire ?? "C360")")
                auPlus([rd], [r]); auPlus([rd], [x("D")]); auPlus([r], [x("S")])
            case "1.6":
                let l = lignes("Prop.decision")
                let prop = x("Prop")
                if !l.isEmpty { somme(prop, l); parts(l, prop) }
                let acc = x("Prop.decision=acceptee"), att = x("Prop.decision=en_attente")
                let decidees = x("Prop.decidees")
                somme(decidees, ["acceptee", "refusee", "sans_suite"].map { x("Prop.decision=\($0)") })
                // Every proposition has one of the four decisions (`decision` is required,
                // spec/format-export.md), breakdown printed or not: the propositions (1.5's
                // value) are the decided ones and those pending.
                somme(prop, [decidees, att])
                valeur(acc); numerateur(acc); denominateur(decidees); stat("en_attente", att); taux([acc], decidees, v.taux)
                complement(acc, decidees, w, nom: "1.6 refusées ou sans suite \(periode) \(territoire ?? "C360")")
            case "1.7":
                let dd = x("D"), sans = x("S.sansD"), s = x("S")
                stat("n", dd); stat("sans_proposition", sans)
                somme(s, [dd, sans]); auPlus([dd], [x("Prop")])
            case "x.delais":
                let dd = x("D"); valeur(dd)
                let l = lignes("D.delai")
                if !l.isEmpty { somme(dd, l); parts(l, dd) }
            case "2.1":
                let n = x("A.reperage"); valeur(n); auPlus([n], [x("A")])
            case "3.1":
                let a = x("A"), cc = x("A.coconstruit")
                valeur(cc); numerateur(cc); denominateur(a); taux([cc], a, v.taux)
                complement(cc, a, w, nom: "3.1 non co-construits \(periode) \(territoire ?? "C360")")
                let l = lignes("A.projet")
                if !l.isEmpty { somme(a, l); parts(l, a) }
                somme(cc, ["personne", "aidant", "pair_aidant"].map { x("A.projet=\($0)") })
                auPlus([a], [x("S")])
            case "x.personnes":
                let pers = variable("P", d, f, territoire), multi = variable("P.multi", d, f, territoire)
                valeur(pers); numerateur(multi); denominateur(pers); taux([multi], pers, v.taux)
                complement(multi, pers, w, nom: "x.personnes venues une fois \(periode) \(territoire ?? "C360")")
                let s = x("S")
                auPlus([multi], [pers]); auPlus([pers, multi], [s])
                // Nobody came back: each person made one request (« 7 personnes, 0,0 % »
                // gives 7 requests).
                if v.numerateur == 0 { somme(s, [pers]) }
                if let r = v.statistique("sollicitations_par_personne") {
                    // Published with one decimal.
                    p.ligne([(s, 1), (pers, -(r + 0.05))], auPlus: 0)
                    p.ligne([(s, 1), (pers, -(r - 0.05))], bas: 0, haut: nil)
                }
            case "x.file_active":
                valeur(variable("FA", f, f, territoire))
            case "4.1":
                stat("postes", variable("Postes", d, f, nil))
            case "4.2":
                let a = variable("Act", f, f, nil); valeur(a)
                let l = v.repartition.enumerated().map { i, li in
                    let id = variable("Act.cat=\(li.cle)", f, f, nil)
                    voir(id, li.n, li.retenue, vrai: w.repartition[i].n, nom: "4.2 \(li.cle)")
                    return id
                }
                if !l.isEmpty { somme(a, l) }
            case "5.1":
                let n = variable("Act.partenaire", f, f, nil); valeur(n); auPlus([n], [variable("Act", f, f, nil)])
            case "4.3":
                stat("membres", variable("Membres", Jour(annee: f.annee, mois: 1, jour: 1)!, f, nil))
            default:
                break
            }
        }
    }

    /// The relations across periods and territories, once every table is read: months add
    /// up to the periods that they tile, territories to the C360.
    private mutating func relierPeriodesEtTerritoires() {
        for (_, liste) in periodes {
            for grande in liste {
                let dedans = liste.filter { $0.variable != grande.variable && $0.debut >= grande.debut && $0.fin <= grande.fin
                    && $0.debut.debutDuMois == $0.fin.debutDuMois }
                guard !dedans.isEmpty else { continue }
                // Distinct months only, in order.
                var mois: [(debut: Jour, fin: Jour, variable: Int)] = []
                for m in dedans.sorted(by: { $0.debut < $1.debut }) where !mois.contains(where: { $0.variable == m.variable }) { mois.append(m) }
                var couvre = mois.first?.debut == grande.debut && mois.last?.fin == grande.fin
                for (a, b) in zip(mois, mois.dropFirst()) where a.fin + 1 != b.debut { couvre = false }
                if couvre { somme(grande.variable, mois.map(\.variable)) } else { auPlus(mois.map(\.variable), [grande.variable]) }
            }
        }
        for (cle, parT) in parTerritoire {
            guard let tout = parT["*"], parT.count > 1 else { continue }
            let (ensemble, debut, fin) = { () -> (String, Jour, Jour) in
                let m = cle.split(separator: "|").map(String.init)
                return (m[0], Jour(iso: m[1])!, Jour(iso: m[2])!)
            }()
            somme(tout, territoires.map { variable(ensemble, debut, fin, $0) })
        }
    }

    /// Whether the true figures fit every relation the attacker wrote (else the attacker, not
    /// the protection, is wrong).
    private(set) var coherent = true

    /// Every masked count that only one whole value fits.
    mutating func recuperer() -> [Recuperation] {
        relierPeriodesEtTerritoires()
        let solveur = SolveurLineaire(p)
        solveur.noeudsMax = 5_000
        for (v, m) in masques { solveur.fixerBornes(v, Double(m.vrai), Double(m.vrai)) }
        coherent = solveur.pointRealisable() != nil
        for (v, _) in masques { solveur.fixerBornes(v, 0, nil) }
        guard coherent else { return masques.map { Recuperation(cellule: "(attaquant incohérent) " + $0.value.nom, valeur: $0.value.vrai) } }
        var trouvees: [Recuperation] = []
        for (v, m) in masques.sorted(by: { $0.key < $1.key }) {
            let (b, h) = solveur.bornes(v)
            var autre = false
            for (nb, nh) in [(Double(m.vrai + 1), h), (b, Double(m.vrai - 1))] {
                if let nb, let nh, nb > nh { continue }
                solveur.fixerBornes(v, nb, nh)
                let r = solveur.pointEntier()
                solveur.fixerBornes(v, b, h)
                if case .oui = r { autre = true; break }
                if case .inconnu = r { autre = false; break }
            }
            if !autre { trouvees.append(Recuperation(cellule: m.nom, valeur: m.vrai)) }
        }
        return trouvees
    }
}

extension Attaquant {
    /// An attacker who has read one diffusion: the same tables as published (`externe`) and as
    /// computed (`interne`, to check that the true figures satisfy its relations). With
    /// `complements`, the counts that rates leave out are attacked too.
    static func ayantLu(_ externe: [TableDiffusee], _ interne: [TableDiffusee], moteur: Moteur, complements: Bool = false,
                        file: StaticString = #filePath, line: UInt = #line) throws -> Attaquant {
        var a = Attaquant(seuil: moteur.configuration.seuilPetitsEffectifs, territoires: try moteur.tousLesTerritoiresConnus())
        a.complements = complements
        XCTAssertEqual(externe.count, interne.count, file: file, line: line)
        for (e, i) in zip(externe, interne) {
            XCTAssertEqual(e.periode, i.periode, file: file, line: line)
            XCTAssertEqual(e.territoire, i.territoire, file: file, line: line)
            a.lire(e.valeurs, vraies: i.valeurs, periode: e.periode, territoire: e.territoire)
        }
        return a
    }
}
