import CXlsxWriter
import Foundation
import ObservatoireCore

/// A thin Swift layer over libxlsxwriter: workbook, sheets, formats, tables, conditional
/// formats, charts and print setup. Every C return code is checked and turned into a French
/// error; strings handed to C are kept alive until the workbook is closed. Text is always
/// written as a string cell, so that `=HYPERLINK(…)` from the data stays text.
///
/// ```swift
/// let c = try ClasseurXLSX(chemin: "/tmp/essai.xlsx")
/// let f = try c.feuille("Synthèse")
/// try f.texte(0, 0, "Sollicitations", StyleXLSX.entete)
/// try f.nombre(1, 0, 5000, StyleXLSX.entier)
/// try c.fermer()
/// ```
public final class ClasseurXLSX {
    private var classeur: UnsafeMutablePointer<lxw_workbook>?
    /// The file being written; renamed to `chemin` only when complete.
    private let temporaire: String
    public let chemin: String
    private var formats: [StyleXLSX: UnsafeMutablePointer<lxw_format>] = [:]
    private var chaines: [UnsafeMutablePointer<CChar>] = []
    private(set) var feuilles: [FeuilleXLSX] = []

    public init(chemin: String) throws {
        self.chemin = chemin
        let dossier = (chemin as NSString).deletingLastPathComponent
        temporaire = (dossier.isEmpty ? "." : dossier) + "/.\((chemin as NSString).lastPathComponent).\(getpid()).tmp"
        var options = lxw_workbook_options()
        options.constant_memory = 0
        options.use_zip64 = 0
        guard let c = SilenceLibxlsxwriter.pendant({ workbook_new_opt(temporaire, &options) }) else {
            throw ErreurObservatoire.ecriture(chemin, "le classeur ne peut pas être créé")
        }
        classeur = c
    }

    deinit {
        // A workbook never closed (an error on the way) leaves no file behind.
        if classeur != nil {
            _ = SilenceLibxlsxwriter.pendant { workbook_close(classeur) }
            unlink(temporaire)
        }
        for c in chaines { free(c) }
    }

    /// A C copy of `s` that lives as long as the workbook (characters XML cannot hold removed).
    func c(_ s: String) -> UnsafeMutablePointer<CChar> {
        let p = strdup(ClasseurXLSX.pourXML(s))!
        chaines.append(p)
        return p
    }

    /// Every string reaches one of the workbook's XML parts (cells, tables, charts, headers,
    /// properties): control characters (an ESC in a territory name) and non-characters would
    /// make the part ill-formed, and Excel would refuse the whole workbook. They are removed.
    static func pourXML(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: interditEnXML) else { return s }
        return String(String.UnicodeScalarView(s.unicodeScalars.filter { !interditEnXML($0) }))
    }

    static func interditEnXML(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        return (v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D) || (0x7F...0x9F).contains(v) || v == 0xFFFE || v == 0xFFFF
    }

    static func verifier(_ e: lxw_error, _ action: String) throws {
        guard e != LXW_NO_ERROR else { return }
        let cause: String
        switch e {
        case LXW_ERROR_MEMORY_MALLOC_FAILED: cause = "mémoire insuffisante"
        case LXW_ERROR_CREATING_XLSX_FILE: cause = "le fichier ne peut pas être créé (dossier absent, droits, disque plein ?)"
        case LXW_ERROR_CREATING_TMPFILE, LXW_ERROR_READING_TMPFILE: cause = "un fichier temporaire ne peut pas être écrit (disque plein ?)"
        case LXW_ERROR_ZIP_FILE_OPERATION, LXW_ERROR_ZIP_PARAMETER_ERROR, LXW_ERROR_ZIP_BAD_ZIP_FILE,
             LXW_ERROR_ZIP_INTERNAL_ERROR, LXW_ERROR_ZIP_FILE_ADD, LXW_ERROR_ZIP_CLOSE:
            cause = "l'archive du classeur n'a pas pu être écrite (disque plein ?)"
        case LXW_ERROR_SHEETNAME_LENGTH_EXCEEDED: cause = "nom de feuille de plus de 31 caractères"
        case LXW_ERROR_INVALID_SHEETNAME_CHARACTER: cause = "nom de feuille avec un caractère interdit"
        case LXW_ERROR_SHEETNAME_ALREADY_USED: cause = "nom de feuille déjà utilisé"
        case LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED, LXW_ERROR_255_STRING_LENGTH_EXCEEDED,
             LXW_ERROR_128_STRING_LENGTH_EXCEEDED, LXW_ERROR_32_STRING_LENGTH_EXCEEDED:
            cause = "texte trop long pour Excel"
        case LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE: cause = "cellule hors des limites d'une feuille Excel"
        default: cause = String(cString: lxw_strerror(e))
        }
        let code: CodeSortie = [LXW_ERROR_CREATING_XLSX_FILE, LXW_ERROR_CREATING_TMPFILE, LXW_ERROR_READING_TMPFILE,
                                LXW_ERROR_ZIP_FILE_OPERATION, LXW_ERROR_ZIP_FILE_ADD, LXW_ERROR_ZIP_CLOSE].contains(e)
            ? .ecritureImpossible : .erreurInterne
        throw ErreurObservatoire(code, "Écriture du classeur Excel impossible (\(action)) : \(cause).",
                                 conseil: code == .ecritureImpossible
                                    ? "Vérifiez que le dossier de sortie existe, qu'il est accessible en écriture et que le disque n'est pas plein."
                                    : "Signalez ce message à l'équipe technique.")
    }

    private var ouvert: UnsafeMutablePointer<lxw_workbook> {
        get throws {
            guard let classeur else { throw ErreurObservatoire.interne("Classeur déjà fermé.") }
            return classeur
        }
    }

    /// Adds a worksheet (names up to 31 characters, no `[]:*?/\`).
    public func feuille(_ nom: String) throws -> FeuilleXLSX {
        guard let f = workbook_add_worksheet(try ouvert, c(nom)) else {
            throw ErreurObservatoire.interne("Impossible d'ajouter la feuille « \(nom) » au classeur.")
        }
        let feuille = FeuilleXLSX(classeur: self, pointeur: f, nom: nom)
        feuilles.append(feuille)
        return feuille
    }

    /// The libxlsxwriter format of a style (created once per style).
    func format(_ s: StyleXLSX?) -> UnsafeMutablePointer<lxw_format>? {
        guard let s, let classeur else { return nil }
        if let f = formats[s] { return f }
        guard let f = workbook_add_format(classeur) else { return nil }
        if s.gras { format_set_bold(f) }
        if s.italique { format_set_italic(f) }
        if let t = s.taille { format_set_font_size(f, t) }
        if let col = s.couleur { format_set_font_color(f, col) }
        if let fond = s.fond { format_set_bg_color(f, fond) }
        if let nf = s.formatNombre { format_set_num_format(f, c(nf)) }
        if s.retourALaLigne { format_set_text_wrap(f) }
        if s.bordure { format_set_border(f, UInt8(LXW_BORDER_THIN.rawValue)); format_set_border_color(f, 0xBFBFBF) }
        switch s.alignement {
        case .gauche: format_set_align(f, UInt8(LXW_ALIGN_LEFT.rawValue))
        case .centre: format_set_align(f, UInt8(LXW_ALIGN_CENTER.rawValue))
        case .droite: format_set_align(f, UInt8(LXW_ALIGN_RIGHT.rawValue))
        case .aucun: break
        }
        format_set_align(f, UInt8(s.hautDeCellule ? LXW_ALIGN_VERTICAL_TOP.rawValue : LXW_ALIGN_VERTICAL_CENTER.rawValue))
        if s.retrait > 0 { format_set_indent(f, UInt8(s.retrait)) }
        formats[s] = f
        return f
    }

    public func graphique(_ type: GraphiqueXLSX.TypeGraphique) throws -> GraphiqueXLSX {
        let t: lxw_chart_type
        switch type {
        case .colonnes: t = LXW_CHART_COLUMN
        case .barres: t = LXW_CHART_BAR
        case .lignes: t = LXW_CHART_LINE
        }
        guard let g = workbook_add_chart(try ouvert, UInt8(t.rawValue)) else {
            throw ErreurObservatoire.interne("Impossible d'ajouter un graphique au classeur.")
        }
        return GraphiqueXLSX(classeur: self, pointeur: g)
    }

    /// Document properties (title, subject, author…), shown by Excel in File > Info.
    public func proprietes(titre: String, sujet: String, auteur: String, societe: String, motsCles: String,
                           commentaires: String, creation: Date) throws {
        var p = lxw_doc_properties()
        p.title = c(titre)
        p.subject = c(sujet)
        p.author = c(auteur)
        p.company = c(societe)
        p.keywords = c(motsCles)
        p.comments = c(commentaires)
        p.category = c("Rapport d'activité")
        p.status = c("Définitif")
        p.created = time_t(creation.timeIntervalSince1970)
        try ClasseurXLSX.verifier(workbook_set_properties(try ouvert, &p), "propriétés du document")
    }

    /// Writes the file: everything is assembled in a temporary file next to the destination,
    /// then renamed, so that a failure never leaves a half-written workbook.
    public func fermer() throws {
        guard let c = classeur else { return }
        classeur = nil
        let e = SilenceLibxlsxwriter.pendant { workbook_close(c) }
        if e != LXW_NO_ERROR {
            unlink(temporaire)
            try ClasseurXLSX.verifier(e, "enregistrement de « \(chemin) »")
        }
        if rename(temporaire, chemin) != 0 {
            let cause = MessageSysteme.errno(errno)
            unlink(temporaire)
            throw ErreurObservatoire.ecriture(chemin, cause)
        }
    }
}

/// libxlsxwriter prints its own English lines (« [ERROR] workbook_close(): Zip ZIP_ERRNO error… »)
/// with `fprintf` on the C `stderr` stream, besides returning the error code that
/// ``ClasseurXLSX/verifier(_:_:)`` turns into a French message. It has no option to turn them
/// off: `LXW_PRINTF` is fixed when the library is built, and a message handler is still a
/// feature request (jmcnamara/libxlsxwriter#155). So, around the calls that print (creating
/// and closing the workbook, where a full disk or a missing folder shows), the C `stderr`
/// stream points to /dev/null. Descriptor 2 itself is left alone: c360's own messages, written
/// with `write(2)` (see `EcritureStandard`), are never hidden, nor is anything outside these calls.
enum SilenceLibxlsxwriter {
    private static let verrou = NSLock()
    private static let nul: UnsafeMutablePointer<FILE>? = fopen("/dev/null", "w")

    static func pendant<T>(_ appel: () -> T) -> T {
        verrou.lock()
        defer { verrou.unlock() }
        guard let nul else { return appel() }
        let avant = stderr
        stderr = nul
        defer {
            fflush(nul)
            stderr = avant
        }
        return appel()
    }
}

/// A cell format, hashable so that each distinct style becomes one libxlsxwriter format.
public struct StyleXLSX: Hashable, Sendable {
    public enum Alignement: Hashable, Sendable { case aucun, gauche, centre, droite }

    public var gras = false
    public var italique = false
    public var taille: Double?
    /// 0xRRGGBB
    public var couleur: UInt32?
    public var fond: UInt32?
    public var formatNombre: String?
    public var retourALaLigne = false
    public var bordure = false
    public var alignement = Alignement.aucun
    public var hautDeCellule = false
    public var retrait = 0

    public init(gras: Bool = false, italique: Bool = false, taille: Double? = nil, couleur: UInt32? = nil, fond: UInt32? = nil,
                formatNombre: String? = nil, retourALaLigne: Bool = false, bordure: Bool = false,
                alignement: Alignement = .aucun, hautDeCellule: Bool = false, retrait: Int = 0) {
        self.gras = gras
        self.italique = italique
        self.taille = taille
        self.couleur = couleur
        self.fond = fond
        self.formatNombre = formatNombre
        self.retourALaLigne = retourALaLigne
        self.bordure = bordure
        self.alignement = alignement
        self.hautDeCellule = hautDeCellule
        self.retrait = retrait
    }
}

/// One worksheet. Rows and columns are 0-based, as in libxlsxwriter.
public final class FeuilleXLSX {
    unowned let classeur: ClasseurXLSX
    let pointeur: UnsafeMutablePointer<lxw_worksheet>
    public let nom: String

    init(classeur: ClasseurXLSX, pointeur: UnsafeMutablePointer<lxw_worksheet>, nom: String) {
        self.classeur = classeur
        self.pointeur = pointeur
        self.nom = nom
    }

    private func lieu(_ l: Int, _ c: Int) -> String { "feuille « \(nom) », cellule \(FeuilleXLSX.reference(l, c))" }

    /// `B3` for row 2, column 1.
    public static func reference(_ l: Int, _ c: Int) -> String {
        ReferenceCellule.texte(ligne: l + 1, colonne: c)
    }

    /// Text, always as a string cell (never a formula), cut at Excel's 32 767 characters.
    public func texte(_ l: Int, _ c: Int, _ s: String, _ style: StyleXLSX? = nil) throws {
        var t = ClasseurXLSX.pourXML(s)
        if t.utf16.count > 32_000 { t = String(t.prefix(32_000)) + "…" }
        try ClasseurXLSX.verifier(worksheet_write_string(pointeur, lxw_row_t(l), lxw_col_t(c), t, classeur.format(style)), lieu(l, c))
    }

    public func nombre(_ l: Int, _ c: Int, _ x: Double, _ style: StyleXLSX? = nil) throws {
        try ClasseurXLSX.verifier(worksheet_write_number(pointeur, lxw_row_t(l), lxw_col_t(c), x, classeur.format(style)), lieu(l, c))
    }

    public func vide(_ l: Int, _ c: Int, _ style: StyleXLSX? = nil) throws {
        try ClasseurXLSX.verifier(worksheet_write_blank(pointeur, lxw_row_t(l), lxw_col_t(c), classeur.format(style)), lieu(l, c))
    }

    /// A date (and time) as an Excel date, shown with the style's number format.
    public func date(_ l: Int, _ c: Int, _ d: Date, _ style: StyleXLSX) throws {
        var t = time_t(d.timeIntervalSince1970)
        var tmv = tm()
        localtime_r(&t, &tmv)
        var dt = lxw_datetime(year: tmv.tm_year + 1900, month: tmv.tm_mon + 1, day: tmv.tm_mday,
                              hour: tmv.tm_hour, min: tmv.tm_min, sec: Double(tmv.tm_sec))
        try ClasseurXLSX.verifier(worksheet_write_datetime(pointeur, lxw_row_t(l), lxw_col_t(c), &dt, classeur.format(style)), lieu(l, c))
    }

    public func jour(_ l: Int, _ c: Int, _ j: Jour, _ style: StyleXLSX) throws {
        let x = j.composantes
        var dt = lxw_datetime(year: Int32(x.annee), month: Int32(x.mois), day: Int32(x.jour), hour: 0, min: 0, sec: 0)
        try ClasseurXLSX.verifier(worksheet_write_datetime(pointeur, lxw_row_t(l), lxw_col_t(c), &dt, classeur.format(style)), lieu(l, c))
    }

    public func fusionner(_ l1: Int, _ c1: Int, _ l2: Int, _ c2: Int, _ s: String, _ style: StyleXLSX? = nil) throws {
        try ClasseurXLSX.verifier(worksheet_merge_range(pointeur, lxw_row_t(l1), lxw_col_t(c1), lxw_row_t(l2), lxw_col_t(c2), ClasseurXLSX.pourXML(s),
                                                        classeur.format(style)), "fusion \(lieu(l1, c1))")
    }

    public func largeur(_ c1: Int, _ c2: Int, _ largeur: Double, _ style: StyleXLSX? = nil) throws {
        try ClasseurXLSX.verifier(worksheet_set_column(pointeur, lxw_col_t(c1), lxw_col_t(c2), largeur, classeur.format(style)),
                                  "largeur de colonne, feuille « \(nom) »")
    }

    public func hauteur(_ l: Int, _ h: Double) throws {
        try ClasseurXLSX.verifier(worksheet_set_row(pointeur, lxw_row_t(l), h, nil), "hauteur de ligne, feuille « \(nom) »")
    }

    public func figer(lignes: Int, colonnes: Int = 0) {
        worksheet_freeze_panes(pointeur, lxw_row_t(lignes), lxw_col_t(colonnes))
    }

    public func activer() { worksheet_activate(pointeur) }

    public func couleurOnglet(_ c: UInt32) { worksheet_set_tab_color(pointeur, c) }

    /// An Excel table (banded rows, filters) over a range whose first row is the header;
    /// the data cells are written separately.
    public func tableau(_ l1: Int, _ c1: Int, _ l2: Int, _ c2: Int, nom: String, entetes: [String], style: StyleXLSX? = nil) throws {
        var colonnes = entetes.map { e -> lxw_table_column in
            var col = lxw_table_column()
            col.header = classeur.c(e)
            col.header_format = classeur.format(style)
            return col
        }
        try colonnes.withUnsafeMutableBufferPointer { buffer in
            var pointeurs: [UnsafeMutablePointer<lxw_table_column>?] = (0..<buffer.count).map { buffer.baseAddress! + $0 }
            pointeurs.append(nil)
            try pointeurs.withUnsafeMutableBufferPointer { p in
                var o = lxw_table_options()
                o.name = classeur.c(nom)
                o.style_type = UInt8(LXW_TABLE_STYLE_TYPE_MEDIUM.rawValue)
                o.style_type_number = 2
                o.columns = p.baseAddress
                try ClasseurXLSX.verifier(worksheet_add_table(pointeur, lxw_row_t(l1), lxw_col_t(c1), lxw_row_t(l2), lxw_col_t(c2), &o),
                                          "tableau « \(nom) », feuille « \(self.nom) »")
            }
        }
    }

    /// Colours cells whose text begins with `debut` (a word is always written too: the
    /// colour never carries the meaning alone).
    public func formatSiTexteCommencePar(_ l1: Int, _ c1: Int, _ l2: Int, _ c2: Int, _ debut: String, _ style: StyleXLSX) throws {
        var cf = lxw_conditional_format()
        cf.type = UInt8(LXW_CONDITIONAL_TYPE_TEXT.rawValue)
        cf.criteria = UInt8(LXW_CONDITIONAL_CRITERIA_TEXT_BEGINS_WITH.rawValue)
        cf.value_string = classeur.c(debut)
        cf.format = classeur.format(style)
        try ClasseurXLSX.verifier(worksheet_conditional_format_range(pointeur, lxw_row_t(l1), lxw_col_t(c1), lxw_row_t(l2), lxw_col_t(c2), &cf),
                                  "mise en forme conditionnelle, feuille « \(nom) »")
    }

    /// A4 landscape, one page wide, repeated header rows, header and footer with the page
    /// numbers and the diffusion level. `&` in texts is escaped (it is a control character of
    /// Excel headers).
    public func miseEnPage(enTete: String, piedGauche: String, piedDroit: String, lignesRepetees: ClosedRange<Int>?) throws {
        worksheet_set_landscape(pointeur)
        worksheet_set_paper(pointeur, 9) // A4
        worksheet_set_margins(pointeur, 0.5, 0.5, 0.75, 0.75)
        worksheet_fit_to_pages(pointeur, 1, 0)
        func echapper(_ s: String) -> String { String(ClasseurXLSX.pourXML(s).replacingOccurrences(of: "&", with: "&&").prefix(80)) }
        try ClasseurXLSX.verifier(worksheet_set_header(pointeur, "&L&8\(echapper(enTete))&R&8&A"), "en-tête, feuille « \(nom) »")
        try ClasseurXLSX.verifier(worksheet_set_footer(pointeur, "&L&8\(echapper(piedGauche))&C&8Page &P / &N&R&8\(echapper(piedDroit))"),
                                  "pied de page, feuille « \(nom) »")
        if let r = lignesRepetees {
            try ClasseurXLSX.verifier(worksheet_repeat_rows(pointeur, lxw_row_t(r.lowerBound), lxw_row_t(r.upperBound)), "lignes répétées, feuille « \(nom) »")
        }
    }

    public func inserer(_ g: GraphiqueXLSX, _ l: Int, _ c: Int, echelleX: Double = 1, echelleY: Double = 1, description: String) throws {
        var o = lxw_chart_options()
        o.x_scale = echelleX
        o.y_scale = echelleY
        o.description = classeur.c(description)
        try ClasseurXLSX.verifier(worksheet_insert_chart_opt(pointeur, lxw_row_t(l), lxw_col_t(c), g.pointeur, &o),
                                  "graphique, feuille « \(nom) »")
    }
}

/// A native Excel chart whose series refer to cells of a sheet.
public final class GraphiqueXLSX {
    public enum TypeGraphique { case colonnes, barres, lignes }

    unowned let classeur: ClasseurXLSX
    let pointeur: UnsafeMutablePointer<lxw_chart>

    init(classeur: ClasseurXLSX, pointeur: UnsafeMutablePointer<lxw_chart>) {
        self.classeur = classeur
        self.pointeur = pointeur
    }

    /// How a series is drawn.
    public struct Trace {
        public var remplissage: UInt32?
        public var sansRemplissage = false
        public var contour: UInt32?
        public var epaisseur: Float = 0.75
        public var tirets = false
        public var etiquettes = false

        public init(remplissage: UInt32? = nil, sansRemplissage: Bool = false, contour: UInt32? = nil, epaisseur: Float = 0.75,
                    tirets: Bool = false, etiquettes: Bool = false) {
            self.remplissage = remplissage
            self.sansRemplissage = sansRemplissage
            self.contour = contour
            self.epaisseur = epaisseur
            self.tirets = tirets
            self.etiquettes = etiquettes
        }
    }

    /// A series: categories and values are column ranges of `feuille` (rows l1…l2).
    public func serie(nom: String, feuille: FeuilleXLSX, lignes: ClosedRange<Int>, colonneCategories: Int, colonneValeurs: Int, trace: Trace) throws {
        guard let s = chart_add_series(pointeur, nil, nil) else {
            throw ErreurObservatoire.interne("Impossible d'ajouter une série au graphique.")
        }
        let f = classeur.c(feuille.nom)
        chart_series_set_categories(s, f, lxw_row_t(lignes.lowerBound), lxw_col_t(colonneCategories), lxw_row_t(lignes.upperBound), lxw_col_t(colonneCategories))
        chart_series_set_values(s, f, lxw_row_t(lignes.lowerBound), lxw_col_t(colonneValeurs), lxw_row_t(lignes.upperBound), lxw_col_t(colonneValeurs))
        chart_series_set_name(s, classeur.c(nom))
        if trace.sansRemplissage || trace.remplissage != nil {
            var fill = lxw_chart_fill()
            fill.color = trace.remplissage ?? 0
            fill.none = trace.sansRemplissage ? 1 : 0
            chart_series_set_fill(s, &fill)
        }
        if let contour = trace.contour {
            var line = lxw_chart_line()
            line.color = contour
            line.width = trace.epaisseur
            line.dash_type = UInt8(trace.tirets ? LXW_CHART_LINE_DASH_DASH.rawValue : LXW_CHART_LINE_DASH_SOLID.rawValue)
            chart_series_set_line(s, &line)
        }
        if trace.etiquettes {
            chart_series_set_labels(s)
        }
    }

    public func titre(_ t: String) { chart_title_set_name(pointeur, classeur.c(t)) }

    public func axes(x: String?, y: String?, formatY: String? = nil) {
        if let x { chart_axis_set_name(pointeur.pointee.x_axis, classeur.c(x)) }
        if let y { chart_axis_set_name(pointeur.pointee.y_axis, classeur.c(y)) }
        if let formatY { chart_axis_set_num_format(pointeur.pointee.y_axis, classeur.c(formatY)) }
    }

    /// The value axis of a bar chart (horizontal) is its x axis.
    public func axeValeursHorizontal(nom: String?, format: String?) {
        if let nom { chart_axis_set_name(pointeur.pointee.x_axis, classeur.c(nom)) }
        if let format { chart_axis_set_num_format(pointeur.pointee.x_axis, classeur.c(format)) }
        chart_axis_set_reverse(pointeur.pointee.y_axis)
    }

    public func legendeEnBas() { chart_legend_set_position(pointeur, UInt8(LXW_CHART_LEGEND_BOTTOM.rawValue)) }
    public func sansLegende() { chart_legend_set_position(pointeur, UInt8(LXW_CHART_LEGEND_NONE.rawValue)) }

    /// Series drawn on top of each other in the same slot (N-1 outlined over N).
    public func superposer() {
        chart_set_series_overlap(pointeur, 100)
        chart_set_series_gap(pointeur, 60)
    }

    public func minimumY(_ m: Double) { chart_axis_set_min(pointeur.pointee.y_axis, m) }
}
