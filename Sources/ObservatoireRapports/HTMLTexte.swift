import Foundation

/// HTML escaping of every value that comes from data or configuration (C360 name, territories,
/// members, file names): in element content, in attribute values and in SVG text alike.
///
/// ```swift
/// HTMLTexte.echapper("<script>alert(1)</script>")   // "&lt;script&gt;alert(1)&lt;/script&gt;"
/// ```
enum HTMLTexte {
    static func echapper(_ s: String) -> String {
        var r = ""
        r.reserveCapacity(s.utf8.count + 8)
        for c in s.unicodeScalars {
            switch c {
            case "&": r += "&amp;"
            case "<": r += "&lt;"
            case ">": r += "&gt;"
            case "\"": r += "&quot;"
            case "'": r += "&#39;"
            default:
                // Controls (other than tab and line breaks) and non-characters are parse errors in HTML.
                let v = c.value
                if (v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D) || (0x7F...0x9F).contains(v)
                    || (0xFDD0...0xFDEF).contains(v) || (v & 0xFFFE) == 0xFFFE { continue }
                r.unicodeScalars.append(c)
            }
        }
        return r
    }

    /// A CSS string literal (for `content:` in the print margin boxes), safe inside `<style>`.
    static func chaineCSS(_ s: String) -> String {
        var r = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"", "\\", "<", ">", "&": r += "\\" + String(c.value, radix: 16) + " "
            default:
                if c.value < 0x20 || c.value == 0x7F { r += " " } else { r.unicodeScalars.append(c) }
            }
        }
        return r + "\""
    }
}
