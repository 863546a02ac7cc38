/// Spreadsheet cell references as Excel and LibreOffice show them (`A1`, `AB12`): the report
/// writer places cells with them and the workbook reader names the cell a problem is in.
public enum ReferenceCellule {
    /// The letters of a column, 0-based: 0 → `A`, 25 → `Z`, 26 → `AA`.
    public static func lettres(colonne: Int) -> String {
        var lettres = ""
        var n = max(0, colonne) + 1
        while n > 0 {
            let r = (n - 1) % 26
            lettres = String(UnicodeScalar(UInt8(65 + r))) + lettres
            n = (n - 1) / 26
        }
        return lettres
    }

    /// `B3` for the 1-based row 3 and the 0-based column 1, as a sheet numbers them.
    public static func texte(ligne: Int, colonne: Int) -> String {
        "\(lettres(colonne: colonne))\(ligne)"
    }
}
