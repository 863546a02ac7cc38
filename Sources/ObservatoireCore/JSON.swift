import Foundation

/// A JSON value that keeps the order of object keys, for outputs whose shape is documented
/// in `spec/cli.md` (scripts rely on it, and people read it).
///
/// ```swift
/// let j: JSON = .objet([("fichier", .texte("a.csv")), ("lues", .entier(12))])
/// j.texteCompact   // {"fichier":"a.csv","lues":12}
/// ```
public indirect enum JSON: Equatable, Sendable {
    case objet([(String, JSON)])
    case tableau([JSON])
    case texte(String)
    case entier(Int)
    case nombre(Double)
    case booleen(Bool)
    case nul

    public static func == (a: JSON, b: JSON) -> Bool { a.texteCompact == b.texteCompact }

    public var texteCompact: String {
        var s = ""
        ecrire(&s, indentation: nil, niveau: 0)
        return s
    }

    /// Indented with two spaces, one key per line.
    public var texteLisible: String {
        var s = ""
        ecrire(&s, indentation: "  ", niveau: 0)
        return s
    }

    private func ecrire(_ s: inout String, indentation: String?, niveau: Int) {
        let saut = indentation == nil ? "" : "\n"
        let retrait = { (n: Int) in String(repeating: indentation ?? "", count: n) }
        switch self {
        case .objet(let paires):
            if paires.isEmpty { s += "{}"; return }
            s += "{" + saut
            for (i, (cle, valeur)) in paires.enumerated() {
                s += retrait(niveau + 1) + JSON.chaine(cle) + (indentation == nil ? ":" : ": ")
                valeur.ecrire(&s, indentation: indentation, niveau: niveau + 1)
                s += (i < paires.count - 1 ? "," : "") + saut
            }
            s += retrait(niveau) + "}"
        case .tableau(let elements):
            if elements.isEmpty { s += "[]"; return }
            s += "[" + saut
            for (i, e) in elements.enumerated() {
                s += retrait(niveau + 1)
                e.ecrire(&s, indentation: indentation, niveau: niveau + 1)
                s += (i < elements.count - 1 ? "," : "") + saut
            }
            s += retrait(niveau) + "]"
        case .texte(let t): s += JSON.chaine(t)
        case .entier(let n): s += String(n)
        case .nombre(let x):
            if !x.isFinite { s += "null" }
            else if x == x.rounded() && abs(x) < 1e15 { s += String(Int(x)) }
            else { s += String(x) }
        case .booleen(let b): s += b ? "true" : "false"
        case .nul: s += "null"
        }
    }

    static func chaine(_ t: String) -> String {
        var s = "\""
        for u in t.unicodeScalars {
            switch u {
            case "\"": s += "\\\""
            case "\\": s += "\\\\"
            case "\n": s += "\\n"
            case "\r": s += "\\r"
            case "\t": s += "\\t"
            default:
                if u.value < 0x20 || u.value == 0x2028 || u.value == 0x2029 {
                    s += String(format: "\\u%04x", u.value)
                } else {
                    s.unicodeScalars.append(u)
                }
            }
        }
        return s + "\""
    }
}
