import Foundation

/// What a push XML tokenizer reports.
protocol DelegueXML: AnyObject {
    /// An opening (or empty) element, its local name (prefix removed) and attributes.
    func debut(_ nom: Substring, _ attributs: [(Substring, String)], vide: Bool) throws
    func fin(_ nom: Substring) throws
    /// Whether text is wanted at this point (saves decoding text nobody reads).
    var veutTexte: Bool { get }
    func texte(_ t: String) throws
}

/// A push tokenizer for the XML parts of an `.xlsx` package, fed with the chunks that
/// ZIPFoundation inflates.
///
/// Written by hand rather than with Foundation's `XMLParser` because ZIPFoundation *pushes*
/// inflated chunks to a closure while `XMLParser` *pulls* from a stream: joining them would
/// need a thread or a temporary copy of the sheet. It also refuses any DTD outright, which
/// rules out entity-expansion attacks (only the five predefined entities and character
/// references are decoded), and it bounds the size of a single token.
final class AnalyseurXML {
    struct Erreur: Error, CustomStringConvertible {
        let description: String
    }

    private weak var delegue: DelegueXML?
    private var reste: [UInt8] = []
    /// Inside a comment or a processing instruction that goes on in the next chunk: its bytes
    /// are skipped as they come (never kept, never scanned twice), whatever its size.
    private var aSauterJusqua: StaticString?
    /// Largest single token (tag or text) accepted, in bytes. A cell holds at most 32 767
    /// characters in Excel; a token kept across chunks is scanned again with each chunk, so
    /// this bound also bounds that work.
    let limiteJeton: Int

    init(delegue: DelegueXML, limiteJeton: Int = 1 << 20) {
        self.delegue = delegue
        self.limiteJeton = limiteJeton
    }

    func alimenter(_ donnees: Data) throws {
        if reste.isEmpty {
            try donnees.withUnsafeBytes { p in
                let n = try analyser(p.bindMemory(to: UInt8.self))
                if n < p.count { reste.append(contentsOf: p[n...]) }
            }
        } else {
            reste.append(contentsOf: donnees)
            let copie = reste
            reste.removeAll(keepingCapacity: true)
            try copie.withUnsafeBufferPointer { p in
                let n = try analyser(p)
                if n < p.count { reste.append(contentsOf: p[n...]) }
            }
        }
        if reste.count > limiteJeton {
            throw Erreur(description: "un élément XML dépasse \(max(1, limiteJeton >> 20)) Mo")
        }
    }

    func terminer() throws {
        // Trailing white space is fine; anything else is a truncated document.
        if aSauterJusqua != nil || reste.contains(where: { $0 != 32 && $0 != 10 && $0 != 13 && $0 != 9 }) {
            throw Erreur(description: "le document XML est tronqué")
        }
    }

    /// Consumes every complete token of `p`; returns how many bytes were consumed.
    private func analyser(_ p: UnsafeBufferPointer<UInt8>) throws -> Int {
        guard let delegue else { return p.count }
        let lt = UInt8(ascii: "<"), gt = UInt8(ascii: ">")
        var i = 0
        let n = p.count
        if let fin = aSauterJusqua {
            let longueur = fin.utf8CodeUnitCount
            guard let f = AnalyseurXML.chercher(p, 0, fin) else { return max(0, n - (longueur - 1)) }
            aSauterJusqua = nil
            i = f + longueur
        }
        while i < n {
            if p[i] != lt {
                // Text up to the next '<'.
                var j = i
                while j < n && p[j] != lt { j += 1 }
                if j == n { return i } // incomplete: wait for more
                if delegue.veutTexte {
                    try delegue.texte(AnalyseurXML.decoder(UnsafeBufferPointer(rebasing: p[i..<j])))
                }
                i = j
                continue
            }
            // p[i] == '<'
            guard i + 1 < n else { return i }
            let b = p[i + 1]
            if b == UInt8(ascii: "!") {
                if AnalyseurXML.commence(p, i, "<!--") {
                    guard let f = AnalyseurXML.chercher(p, i + 4, "-->") else {
                        aSauterJusqua = "-->"
                        return max(i + 4, n - 2)
                    }
                    i = f + 3
                } else if AnalyseurXML.commence(p, i, "<![CDATA[") {
                    guard let f = AnalyseurXML.chercher(p, i + 9, "]]>") else { return i }
                    if delegue.veutTexte {
                        try delegue.texte(String(decoding: UnsafeBufferPointer(rebasing: p[(i + 9)..<f]), as: UTF8.self))
                    }
                    i = f + 3
                } else if n - i < 9 {
                    return i
                } else {
                    throw Erreur(description: "le document contient une déclaration DTD, refusée par sécurité")
                }
                continue
            }
            if b == UInt8(ascii: "?") {
                guard let f = AnalyseurXML.chercher(p, i + 2, "?>") else {
                    aSauterJusqua = "?>"
                    return max(i + 2, n - 1)
                }
                i = f + 2
                continue
            }
            // A tag: find its '>' outside quotes.
            var j = i + 1
            var guillemet: UInt8 = 0
            while j < n {
                let c = p[j]
                if guillemet != 0 { if c == guillemet { guillemet = 0 } }
                else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") { guillemet = c }
                else if c == gt { break }
                j += 1
            }
            if j == n { return i }
            try balise(UnsafeBufferPointer(rebasing: p[(i + 1)..<j]), delegue)
            i = j + 1
        }
        return i
    }

    private func balise(_ t: UnsafeBufferPointer<UInt8>, _ delegue: DelegueXML) throws {
        guard !t.isEmpty else { throw Erreur(description: "balise vide") }
        if t[0] == UInt8(ascii: "/") {
            var k = 1
            while k < t.count && !AnalyseurXML.estEspace(t[k]) { k += 1 }
            try delegue.fin(AnalyseurXML.nomLocal(UnsafeBufferPointer(rebasing: t[1..<k])))
            return
        }
        var fin = t.count
        let vide = t[fin - 1] == UInt8(ascii: "/")
        if vide { fin -= 1 }
        var k = 0
        while k < fin && !AnalyseurXML.estEspace(t[k]) { k += 1 }
        let nom = AnalyseurXML.nomLocal(UnsafeBufferPointer(rebasing: t[0..<k]))
        var attributs: [(Substring, String)] = []
        while k < fin {
            while k < fin && AnalyseurXML.estEspace(t[k]) { k += 1 }
            if k >= fin { break }
            let debutNom = k
            while k < fin && t[k] != UInt8(ascii: "=") && !AnalyseurXML.estEspace(t[k]) { k += 1 }
            let nomAttribut = AnalyseurXML.nomLocal(UnsafeBufferPointer(rebasing: t[debutNom..<k]))
            while k < fin && (AnalyseurXML.estEspace(t[k]) || t[k] == UInt8(ascii: "=")) { k += 1 }
            guard k < fin, t[k] == UInt8(ascii: "\"") || t[k] == UInt8(ascii: "'") else { break }
            let q = t[k]
            k += 1
            let debutValeur = k
            while k < fin && t[k] != q { k += 1 }
            attributs.append((nomAttribut, AnalyseurXML.decoder(UnsafeBufferPointer(rebasing: t[debutValeur..<min(k, fin)]))))
            k += 1
        }
        try delegue.debut(nom, attributs, vide: vide)
        if vide { try delegue.fin(nom) }
    }

    static func estEspace(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 10 || c == 13 }

    static func nomLocal(_ t: UnsafeBufferPointer<UInt8>) -> Substring {
        let s = String(decoding: t, as: UTF8.self)
        if let deuxPoints = s.lastIndex(of: ":") { return s[s.index(after: deuxPoints)...] }
        return s[...]
    }

    static func commence(_ p: UnsafeBufferPointer<UInt8>, _ i: Int, _ motif: StaticString) -> Bool {
        let m = UnsafeBufferPointer(start: motif.utf8Start, count: motif.utf8CodeUnitCount)
        guard i + m.count <= p.count else { return false }
        for k in 0..<m.count where p[i + k] != m[k] { return false }
        return true
    }

    static func chercher(_ p: UnsafeBufferPointer<UInt8>, _ depuis: Int, _ motif: StaticString) -> Int? {
        var i = depuis
        while i < p.count {
            if commence(p, i, motif) { return i }
            i += 1
        }
        return nil
    }

    /// Decodes UTF-8 text with the five predefined entities and character references.
    static func decoder(_ t: UnsafeBufferPointer<UInt8>) -> String {
        guard t.contains(UInt8(ascii: "&")) else { return String(decoding: t, as: UTF8.self) }
        var sortie: [UInt8] = []
        sortie.reserveCapacity(t.count)
        var i = 0
        while i < t.count {
            let c = t[i]
            guard c == UInt8(ascii: "&"), let pv = (i..<min(t.count, i + 12)).first(where: { t[$0] == UInt8(ascii: ";") }) else {
                sortie.append(c)
                i += 1
                continue
            }
            let entite = String(decoding: UnsafeBufferPointer(rebasing: t[(i + 1)..<pv]), as: UTF8.self)
            var remplacement: String?
            switch entite {
            case "amp": remplacement = "&"
            case "lt": remplacement = "<"
            case "gt": remplacement = ">"
            case "quot": remplacement = "\""
            case "apos": remplacement = "'"
            default:
                if entite.hasPrefix("#x") || entite.hasPrefix("#X"), let v = UInt32(entite.dropFirst(2), radix: 16), let s = Unicode.Scalar(v) {
                    remplacement = String(Character(s))
                } else if entite.hasPrefix("#"), let v = UInt32(entite.dropFirst()), let s = Unicode.Scalar(v) {
                    remplacement = String(Character(s))
                }
            }
            if let remplacement {
                sortie.append(contentsOf: remplacement.utf8)
                i = pv + 1
            } else {
                sortie.append(c)
                i += 1
            }
        }
        return String(decoding: sortie, as: UTF8.self)
    }
}
