import CGLPK
import Foundation

/// A linear programme over bounded variables: rows `bas ≤ Σ aⱼ·xⱼ ≤ haut`. The small-count
/// audit (``ProtectionDiffusion``) asks it how far a masked cell can move while every published
/// cell keeps its value.
///
/// Solved by GLPK (the GNU Linear Programming Kit, Debian's `libglpk-dev`): a sparse revised
/// simplex that is exact enough for these count tables and fast on thousands of variables.
/// Integer questions (« is there another *whole* value? ») are answered by a small depth-first
/// branch and bound written here over GLPK's simplex, with a node budget rather than a time
/// limit: GLPK's own MIP solver only stops on time, which would make the masking depend on how
/// busy the machine is.
///
/// ```swift
/// var p = ProgrammeLineaire()
/// let x = p.variable(bas: 1, haut: 4)
/// let y = p.variable(bas: 0)
/// p.ligne([(x, 1), (y, 1)], egalA: 6)
/// let solveur = SolveurLineaire(p)
/// solveur.optimum(de: x, maximiser: true)?.valeur   // 4
/// ```
public struct ProgrammeLineaire: Sendable {
    public struct Ligne: Sendable {
        public var termes: [(variable: Int, coefficient: Double)]
        public var bas: Double?
        public var haut: Double?
    }

    public private(set) var bas: [Double?] = []
    public private(set) var haut: [Double?] = []
    public private(set) var lignes: [Ligne] = []

    public init() {}

    public var nombreDeVariables: Int { bas.count }

    /// A new variable with its bounds (nil: no bound); returns its index.
    @discardableResult
    public mutating func variable(bas: Double? = 0, haut: Double? = nil) -> Int {
        self.bas.append(bas)
        self.haut.append(haut)
        return self.bas.count - 1
    }

    public mutating func ligne(_ termes: [(Int, Double)], bas: Double?, haut: Double?) {
        lignes.append(Ligne(termes: termes.map { (variable: $0.0, coefficient: $0.1) }, bas: bas, haut: haut))
    }

    public mutating func ligne(_ termes: [(Int, Double)], egalA valeur: Double) {
        ligne(termes, bas: valeur, haut: valeur)
    }

    public mutating func ligne(_ termes: [(Int, Double)], auPlus valeur: Double) {
        ligne(termes, bas: nil, haut: valeur)
    }
}

/// One GLPK problem built from a ``ProgrammeLineaire``, kept between questions so that each
/// simplex starts from the last basis (warm start: a new objective costs a few pivots).
public final class SolveurLineaire {
    public struct Solution {
        /// The optimum of the objective; `±infinity` when unbounded.
        public var valeur: Double
        /// The value of every variable at that optimum (empty when unbounded).
        public var valeurs: [Double]
    }

    private let probleme: OpaquePointer
    private let n: Int
    private var parametres = glp_smcp()
    /// Branch-and-bound nodes allowed per integer question: beyond, the answer is « unknown »,
    /// which the audit treats as the cautious answer (the cell is protected further).
    public var noeudsMax = 400

    public init(_ p: ProgrammeLineaire) {
        SolveurLineaire.silence
        probleme = glp_create_prob()
        n = p.nombreDeVariables
        glp_set_obj_dir(probleme, GLP_MAX)
        if n > 0 { glp_add_cols(probleme, Int32(n)) }
        for j in 0..<n { SolveurLineaire.borner(probleme, colonne: j + 1, p.bas[j], p.haut[j]) }
        if !p.lignes.isEmpty { glp_add_rows(probleme, Int32(p.lignes.count)) }
        var ia: [Int32] = [0], ja: [Int32] = [0], ar: [Double] = [0]
        for (i, l) in p.lignes.enumerated() {
            SolveurLineaire.bornerLigne(probleme, ligne: i + 1, l.bas, l.haut)
            // Repeated variables in a row are summed (GLPK refuses duplicates).
            var fusion: [Int: Double] = [:]
            for t in l.termes { fusion[t.variable, default: 0] += t.coefficient }
            for (j, a) in fusion.sorted(by: { $0.key < $1.key }) where a != 0 {
                ia.append(Int32(i + 1)); ja.append(Int32(j + 1)); ar.append(a)
            }
        }
        if ia.count > 1 { glp_load_matrix(probleme, Int32(ia.count - 1), &ia, &ja, &ar) }
        glp_init_smcp(&parametres)
        parametres.msg_lev = GLP_MSG_OFF
        parametres.meth = GLP_DUALP
        parametres.it_lim = 100_000
    }

    deinit { glp_delete_prob(probleme) }

    /// GLPK writes to the terminal by default: silenced once for the process.
    private static let silence: Void = { _ = glp_term_out(GLP_OFF) }()

    private static func borner(_ p: OpaquePointer, colonne j: Int, _ bas: Double?, _ haut: Double?) {
        let (type, b, h) = SolveurLineaire.type(bas, haut)
        glp_set_col_bnds(p, Int32(j), type, b, h)
    }

    private static func bornerLigne(_ p: OpaquePointer, ligne i: Int, _ bas: Double?, _ haut: Double?) {
        let (type, b, h) = SolveurLineaire.type(bas, haut)
        glp_set_row_bnds(p, Int32(i), type, b, h)
    }

    private static func type(_ bas: Double?, _ haut: Double?) -> (Int32, Double, Double) {
        switch (bas, haut) {
        case (nil, nil): return (GLP_FR, 0, 0)
        case let (b?, nil): return (GLP_LO, b, 0)
        case let (nil, h?): return (GLP_UP, 0, h)
        case let (b?, h?): return b == h ? (GLP_FX, b, h) : (GLP_DB, b, h)
        }
    }

    /// The bounds of a variable, changed for a question (branching) and put back after.
    public func bornes(_ j: Int) -> (Double?, Double?) {
        let type = glp_get_col_type(probleme, Int32(j + 1))
        let b = glp_get_col_lb(probleme, Int32(j + 1)), h = glp_get_col_ub(probleme, Int32(j + 1))
        switch type {
        case GLP_FR: return (nil, nil)
        case GLP_LO: return (b, nil)
        case GLP_UP: return (nil, h)
        default: return (b, h)
        }
    }

    public func fixerBornes(_ j: Int, _ bas: Double?, _ haut: Double?) {
        SolveurLineaire.borner(probleme, colonne: j + 1, bas, haut)
    }

    /// The linear optimum of one variable (real values), or nil when the programme has no
    /// solution at all.
    public func optimum(de variable: Int, maximiser: Bool) -> Solution? {
        for j in 0..<n { glp_set_obj_coef(probleme, Int32(j + 1), j == variable ? 1 : 0) }
        glp_set_obj_dir(probleme, maximiser ? GLP_MAX : GLP_MIN)
        return resoudre()
    }

    /// A feasible point (objective zero), or nil.
    public func pointRealisable() -> Solution? {
        for j in 0..<n { glp_set_obj_coef(probleme, Int32(j + 1), 0) }
        return resoudre()
    }

    private func resoudre() -> Solution? {
        var retour = glp_simplex(probleme, &parametres)
        if retour != 0 {
            // A basis gone bad after many bound changes: start again from a fresh one.
            glp_adv_basis(probleme, 0)
            retour = glp_simplex(probleme, &parametres)
            guard retour == 0 else { return nil }
        }
        switch glp_get_status(probleme) {
        case GLP_OPT:
            return Solution(valeur: glp_get_obj_val(probleme),
                            valeurs: (0..<n).map { glp_get_col_prim(probleme, Int32($0 + 1)) })
        case GLP_UNBND:
            let sens = glp_get_obj_dir(probleme) == GLP_MAX ? Double.infinity : -Double.infinity
            return Solution(valeur: sens, valeurs: [])
        default:
            return nil
        }
    }

    /// The answer to an integer question.
    public enum Reponse {
        /// A point where every variable is a whole number.
        case oui([Double])
        case non
        /// The node budget ran out.
        case inconnu
    }

    /// Whether a point with whole values exists within the current bounds (depth-first branch
    /// and bound over the simplex, at most ``noeudsMax`` nodes).
    public func pointEntier() -> Reponse {
        var noeuds = 0
        func explorer() -> Reponse {
            noeuds += 1
            if noeuds > noeudsMax { return .inconnu }
            guard let s = pointRealisable() else { return .non }
            guard let j = s.valeurs.indices.first(where: { abs(s.valeurs[$0] - s.valeurs[$0].rounded()) > 1e-6 }) else {
                return .oui(s.valeurs.map { $0.rounded() })
            }
            let x = s.valeurs[j]
            let (b, h) = bornes(j)
            var inconnu = false
            for (nb, nh) in [(b, Optional(x.rounded(.down))), (Optional(x.rounded(.up)), h)] {
                if let nb, let nh, nb > nh { continue }
                fixerBornes(j, nb, nh)
                let r = explorer()
                fixerBornes(j, b, h)
                switch r {
                case .oui: return r
                case .inconnu: inconnu = true
                case .non: break
                }
            }
            return inconnu ? .inconnu : .non
        }
        return explorer()
    }
}
