import Crypto
import Foundation
import ObservatoireCore

/// A streaming CSV reader implementing the reading rules of `spec/format-export.md`.
///
/// - Encoding: UTF-8 with or without BOM, Windows-1252 (what French Excel writes), Mac Roman
///   (Excel for Mac) or ISO-8859-15 (LibreOffice's « Europe occidentale (ISO-8859-15/EURO) »).
///   The file's encoding is decided by its first bytes (ISO-8859-15, see
///   ``semblableISO885915(_:)``) or its first non-ASCII record; a later record that does not
///   fit it (mixed encodings) is flagged, not guessed.
/// - Separator `;`, `,` or tab, detected from the header line.
/// - Quoted fields with separators, doubled quotes and line breaks; CRLF, LF or CR line ends.
///
/// Written by hand rather than with a CSV package: it works on bytes in fixed-size chunks
/// (memory does not grow with the file), hashes the bytes as it reads them, bounds field size
/// and count (hostile files), and decodes each record once its encoding is known — none of
/// which the available packages (SwiftCSV, CSV.swift) do together.
///
/// ```swift
/// let lecteur = try LecteurCSV(url: url)
/// lecteur.entete                     // ["id_sollicitation", "date_sollicitation", …]
/// while let r = try lecteur.suivant() { print(r.ligne, r.champs) }
/// ```
public final class LecteurCSV: SourceTabulaire {
    public enum Encodage: String, Sendable {
        case indetermine = "ASCII"
        case utf8 = "UTF-8"
        case windows1252 = "Windows-1252"
        /// What Excel for Mac writes as « CSV » or « CSV (Macintosh) ».
        case macRoman = "Mac Roman (Excel pour Mac)"
        /// What LibreOffice offers as « Europe occidentale (ISO-8859-15/EURO) »: Windows-1252
        /// but for œ Œ € Š š Ž ž Ÿ, at other bytes.
        case iso885915 = "ISO-8859-15 (Europe occidentale)"
    }

    public private(set) var entete: [String] = []
    public private(set) var separateur: UInt8 = UInt8(ascii: ";")
    public private(set) var encodage: Encodage = .indetermine
    public private(set) var lignesVides = 0
    public private(set) var octetsLus = 0
    public let tailleTotale: Int

    /// Largest field kept, in bytes; a longer one flags its record.
    public let limiteChamp: Int
    /// Largest number of fields kept in a record.
    public let limiteChamps: Int

    private let url: URL
    private let fichier: FichierOuvert
    private var fd: Int32 { fichier.fd }
    private var tampon: [UInt8]
    private var position = 0
    private var fin = 0
    private var finDeFichier = false
    private var hachage = SHA256()
    /// File offset of `tampon[0]`.
    private var origineTampon = 0
    /// Bytes of the file hashed so far: a record read again (see `relire`) is not hashed twice.
    private var hache = 0
    /// The row of the next record as a spreadsheet numbers it (a line break inside a quoted
    /// field does not start a new row).
    private var ligneCourante = 1
    /// File offsets of opening quotes to read as ordinary characters (see `relire`).
    private var guillemetsLitteraux: Set<Int> = []
    private var bomUTF8 = false
    /// A byte 0x80–0x9F was met in a record read as Windows-1252 (punctuation there, control
    /// characters in ISO-8859-15): the file is then not ISO-8859-15.
    private var vuOctetC1 = false

    // Record being built: the bytes of its fields end to end, and where each field ends.
    private var octets: [UInt8] = []
    private var bornes: [Int] = []
    /// Records read while looking for the header, after it: returned first.
    private var enAttente: [EnregistrementBrut] = []
    /// Names a mapping profile knows (they count as much as canonical names when looking for
    /// the header under title lines).
    private let autresNoms: [String]

    public init(url: URL, autresNoms: [String] = [], limiteChamp: Int = 100_000, limiteChamps: Int = 1_000, tailleTampon: Int = 1 << 20) throws {
        self.url = url
        self.autresNoms = autresNoms
        self.limiteChamp = limiteChamp
        self.limiteChamps = limiteChamps
        let nom = url.lastPathComponent
        fichier = try FichierIllisible.ouvrir(url)
        tailleTotale = fichier.taille
        tampon = [UInt8](repeating: 0, count: tailleTampon)
        try remplir()
        try lireDebut(nom: nom)
    }

    /// Whether the file changed since it was opened (still being written).
    public var aChange: Bool { fichier.aChange() }
    public var identite: IdentiteFichier { fichier.identite }

    /// Closes the file (reading it further is then an error).
    public func liberer() { fichier.fermer() }

    public var description: String {
        let sep: String
        switch separateur {
        case UInt8(ascii: ";"): sep = "point-virgule"
        case UInt8(ascii: ","): sep = "virgule"
        default: sep = "tabulation"
        }
        return "CSV, séparateur \(sep), encodage \(encodage == .indetermine ? "ASCII" : encodage.rawValue)\(bomUTF8 ? " avec BOM" : "")"
    }

    // MARK: - Reading bytes

    /// Moves unread bytes to the front and fills the rest of the buffer.
    private func remplir() throws {
        if position > 0 {
            let reste = fin - position
            if reste > 0 {
                tampon.withUnsafeMutableBufferPointer { p in
                    _ = memmove(p.baseAddress!, p.baseAddress! + position, reste)
                }
            }
            fin = reste
            origineTampon += position
            position = 0
        }
        while fin < tampon.count && !finDeFichier {
            let n = tampon.withUnsafeMutableBufferPointer { p in
                read(fd, p.baseAddress! + fin, p.count - fin)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw FichierIllisible(fichier: url.lastPathComponent, raison: "erreur de lecture (\(MessageSysteme.errno(errno)))",
                                       conseil: "Copiez le fichier sur un disque local puis recommencez.")
            }
            if n == 0 { finDeFichier = true; break }
            let debut = origineTampon + fin
            if debut + n > hache {
                let a = fin + max(0, hache - debut)
                tampon.withUnsafeBufferPointer { p in
                    hachage.update(bufferPointer: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: p[a..<(fin + n)])))
                }
                hache = debut + n
            }
            fin += n
            octetsLus = hache
        }
    }

    /// Goes back to a record's first byte (file offset `offset`, spreadsheet row `ligne`), from
    /// the buffer when it still holds it, from the file otherwise.
    private func revenir(a offset: Int, ligne: Int) throws {
        ligneCourante = ligne
        if offset >= origineTampon && offset <= origineTampon + fin {
            position = offset - origineTampon
            return
        }
        guard lseek(fd, off_t(offset), SEEK_SET) >= 0 else {
            throw FichierIllisible(fichier: url.lastPathComponent, raison: "erreur de lecture (\(MessageSysteme.errno(errno)))",
                                   conseil: "Copiez le fichier sur un disque local puis recommencez.")
        }
        origineTampon = offset
        position = 0
        fin = 0
        finDeFichier = false
        try remplir()
    }

    public func empreinte() throws -> String {
        // Read (and hash) whatever the caller did not consume.
        while !finDeFichier {
            position = fin
            try remplir()
        }
        return hachage.finalize().map { String(format: "%02x", $0) }.joined()
    }

    // MARK: - Start of file: signature, BOM, separator, header

    private func lireDebut(nom: String) throws {
        let debut = Array(tampon[0..<min(fin, 8)])
        if fin == 0 {
            throw FichierIllisible(fichier: nom, raison: "le fichier est vide", conseil: "Exportez à nouveau le tableau depuis votre outil de suivi.")
        }
        if debut.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            throw FichierIllisible(fichier: nom, raison: "c'est un classeur Excel (.xlsx) et non un fichier CSV",
                                   conseil: "Renommez-le avec l'extension .xlsx, ou enregistrez-le au format CSV.")
        }
        if debut.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
            throw FichierIllisible.conteneurOLE(nom, fd: fd, extensionTrompeuse: true)
        }
        if debut.starts(with: [0xFF, 0xFE]) || debut.starts(with: [0xFE, 0xFF]) {
            throw FichierIllisible(fichier: nom, raison: "le fichier est encodé en UTF-16 (« Texte Unicode »)",
                                   conseil: "Enregistrez-le au format « CSV UTF-8 (délimité par des points-virgules) ».")
        }
        if debut.starts(with: [0xEF, 0xBB, 0xBF]) {
            bomUTF8 = true
            encodage = .utf8
            position = 3
        }
        if !bomUTF8 && LecteurCSV.semblableISO885915(tampon[0..<fin]) == .iso885915 {
            // Decided on the first buffer (the whole file, for a tracker): the header may hold
            // no œ while the data do (« Cœur d'Ostrevent »), and the summary names the encoding
            // from the first records.
            encodage = .iso885915
        }
        separateur = detecterSeparateur()
        // Header: among the first records, the one that names the most known columns (title
        // lines above it are skipped, as in a sheet); the first non-blank one otherwise.
        var apercu: [EnregistrementBrut] = []
        while apercu.count < DetectionEntete.profondeur, let r = try lireEnregistrement() { apercu.append(r) }
        guard let i = DetectionEntete.choisir(apercu, autresNoms: autresNoms) else {
            throw FichierIllisible(fichier: nom, raison: "le fichier ne contient aucune ligne",
                                   conseil: "Exportez à nouveau le tableau, avec sa ligne d'en-tête.")
        }
        let brut = apercu[i]
        if let anomalie = brut.anomalie {
            throw FichierIllisible(fichier: nom, raison: "la ligne d'en-tête est illisible (\(anomalie.texte))",
                                   conseil: "La première ligne doit contenir les noms des colonnes ; vérifiez qu'il s'agit bien d'un export CSV.")
        }
        // A name typed on two lines in the cell (Alt+Entrée in Excel) reads as one line.
        entete = brut.champs.map { Normalisation.texte($0) }
        enAttente = Array(apercu[(i + 1)...])
    }

    /// The separator that splits the first lines most consistently: for each of `;`, tab and
    /// `,` (outside quotes), the count that the most lines share; a title line above the header
    /// has its own count and does not decide. `;` wins a tie (French Excel's separator).
    private func detecterSeparateur() -> UInt8 {
        let ordre: [UInt8] = [UInt8(ascii: ";"), 9, UInt8(ascii: ",")]
        var parLigne: [[UInt8: Int]] = []
        var courant: [UInt8: Int] = [:]
        var cite = false
        var i = position
        var lignes = 0
        while i < fin && lignes < DetectionEntete.profondeur {
            let b = tampon[i]
            if b == UInt8(ascii: "\"") { cite.toggle() }
            else if !cite && (b == 10 || b == 13) {
                if !courant.isEmpty { parLigne.append(courant) }
                courant = [:]
                lignes += 1
            } else if !cite, ordre.contains(b) { courant[b, default: 0] += 1 }
            i += 1
        }
        if !courant.isEmpty { parLigne.append(courant) }
        var meilleur = ordre[0]
        var meilleurScore = (0, 0)
        for s in ordre {
            var frequences: [Int: Int] = [:]
            for l in parLigne { if let n = l[s], n > 0 { frequences[n, default: 0] += 1 } }
            guard let (n, lignesAvec) = frequences.max(by: { ($0.value, $0.key) < ($1.value, $1.key) }) else { continue }
            let score = (lignesAvec, n)
            if score > meilleurScore { meilleur = s; meilleurScore = score }
        }
        return meilleur
    }

    // MARK: - Records

    public func parcourir(_ traiter: (EnregistrementBrut) throws -> Void) throws {
        while let r = try suivant() { try traiter(r) }
    }

    /// The next record after the header, or nil at the end; blank records are skipped and counted.
    public func suivant() throws -> EnregistrementBrut? {
        while let r = enAttente.isEmpty ? try lireEnregistrement() : enAttente.removeFirst() {
            if r.anomalie == nil && r.champs.allSatisfy({ $0.isEmpty }) {
                lignesVides += 1
                continue
            }
            return r
        }
        return nil
    }

    /// `espacesApresCite`: spaces after the closing quote of a field that crossed a line break
    /// (`"… d'Arras" ;`), still a proper end if a separator or a line end follows.
    private enum Etat { case debutChamp, nonCite, cite, guillemetDansCite, espacesApresCite }

    /// Opening quotes one record may have read again as ordinary characters (a bound on the
    /// work a crafted file can cause: each costs one more reading of the record).
    static let relecturesMax = 16

    /// Reads one record (possibly blank), or nil at the end of the file.
    private func lireEnregistrement() throws -> EnregistrementBrut? {
        octets.removeAll(keepingCapacity: true)
        bornes.removeAll(keepingCapacity: true)
        let ligneDebut = ligneCourante
        let debutEnregistrement = origineTampon + position
        /// The current quoted field: the file offset of its opening quote, and whether it holds
        /// a line break.
        var ouverture = -1
        var sautDansCite = false
        var etat = Etat.debutChamp
        var anomalie: AnomalieLecture?
        var tailleChamp = 0
        var nonASCII = false
        var nul = false
        var vu = false
        let sep = separateur
        let guillemet = UInt8(ascii: "\"")

        /// Goes back to the start of the record, the quote at `offset` to be read as an ordinary
        /// character; false when this record was already read again too often (it then keeps
        /// the anomaly it gets).
        func relireSansGuillemet(_ offset: Int) throws -> Bool {
            guard offset >= 0, guillemetsLitteraux.count < LecteurCSV.relecturesMax else { return false }
            guillemetsLitteraux.insert(offset)
            try revenir(a: debutEnregistrement, ligne: ligneDebut)
            return true
        }
        /// The line end `b` (CR, LF, or the CR of a CRLF) closes the field and the record.
        func finDeLigne(_ b: UInt8) throws -> EnregistrementBrut {
            if b == 13 { try sauterLF() }
            ligneCourante += 1
            finirChamp()
            return try terminer(ligneDebut, anomalie, nonASCII: nonASCII, nul: nul)
        }
        func finirChamp() {
            if bornes.count < limiteChamps {
                bornes.append(octets.count)
            } else if anomalie == nil {
                anomalie = .tropDeChamps(bornes.count + 1)
            }
            tailleChamp = 0
        }
        func ajouter(_ b: UInt8) {
            tailleChamp += 1
            if tailleChamp > limiteChamp {
                if anomalie == nil { anomalie = .champTropLong(colonne: bornes.count, taille: limiteChamp) }
                return
            }
            if bornes.count >= limiteChamps { return }
            if b >= 0x80 { nonASCII = true } else if b == 0 { nul = true }
            octets.append(b)
        }
        /// Appends the run tampon[a..<z] (already scanned for non-ASCII and NUL bytes).
        func ajouterTranche(_ a: Int, _ z: Int) {
            let n = z - a
            defer { tailleChamp += n }
            if bornes.count >= limiteChamps { return }
            let place = limiteChamp - tailleChamp
            if n > place {
                if place > 0 { octets.append(contentsOf: tampon[a..<(a + place)]) }
                if anomalie == nil { anomalie = .champTropLong(colonne: bornes.count, taille: limiteChamp) }
                return
            }
            octets.append(contentsOf: tampon[a..<z])
        }

        while true {
            if position >= fin {
                if finDeFichier { break }
                try remplir()
                if position >= fin { break }
            }
            // Fast path: a run of ordinary bytes is scanned and copied at once (the per-byte
            // state machine below only sees separators, quotes and line ends).
            if etat != .guillemetDansCite && etat != .espacesApresCite {
                let debut = position
                var k = position
                let cite = etat == .cite
                let debutDeChamp = etat == .debutChamp
                var haut = false, zero = false
                tampon.withUnsafeBufferPointer { p in
                    while k < fin {
                        let c = p[k]
                        if cite {
                            if c == guillemet || c == 10 || c == 13 { break }
                        } else if c == sep || c == 10 || c == 13 || (c == guillemet && debutDeChamp && k == debut) {
                            break
                        }
                        if c >= 0x80 { haut = true } else if c == 0 { zero = true }
                        k += 1
                    }
                }
                if k > debut {
                    if bornes.count < limiteChamps && tailleChamp < limiteChamp {
                        nonASCII = nonASCII || haut
                        nul = nul || zero
                    }
                    ajouterTranche(debut, k)
                    position = k
                    vu = true
                    if !cite { etat = .nonCite }
                    if cite && sautDansCite && tailleChamp > limiteChamp, try relireSansGuillemet(ouverture) { return try lireEnregistrement() }
                    continue
                }
            }
            let b = tampon[position]
            position += 1
            vu = true
            switch etat {
            case .debutChamp, .nonCite:
                if b == sep {
                    finirChamp()
                    etat = .debutChamp
                } else if b == 10 || b == 13 {
                    return try finDeLigne(b)
                } else if b == guillemet && etat == .debutChamp && !guillemetsLitteraux.contains(origineTampon + position - 1) {
                    etat = .cite
                    ouverture = origineTampon + position - 1
                    sautDansCite = false
                } else {
                    ajouter(b)
                    etat = .nonCite
                }
            case .cite:
                if b == guillemet {
                    etat = .guillemetDansCite
                } else {
                    if b == 10 || b == 13 {
                        // The field goes on past a line break: a long way past, it is more likely
                        // a stray quote than a note (see `relireSansGuillemet`).
                        sautDansCite = true
                        if tailleChamp > limiteChamp, try relireSansGuillemet(ouverture) { return try lireEnregistrement() }
                    }
                    ajouter(b)
                }
            case .guillemetDansCite:
                if b == guillemet {
                    ajouter(b)
                    etat = .cite
                } else if b == sep {
                    finirChamp()
                    etat = .debutChamp
                } else if b == 10 || b == 13 {
                    return try finDeLigne(b)
                } else {
                    // Text after a closing quote. Within one line, kept as is, as spreadsheets do
                    // (`"abc"def`). After a line break, the opening quote was most likely a stray
                    // one in a cell that the exporting tool did not quote (`"urgent` in a note)
                    // and the "closing" quote belongs to a later row: the rows in between would
                    // vanish into one field. The record is read again with that quote as an
                    // ordinary character.
                    if sautDansCite && (b == 32 || b == 9) {
                        ajouter(b)
                        etat = .espacesApresCite
                        continue
                    }
                    if sautDansCite, try relireSansGuillemet(ouverture) { return try lireEnregistrement() }
                    ajouter(b)
                    etat = .nonCite
                }
            case .espacesApresCite:
                if b == sep {
                    finirChamp()
                    etat = .debutChamp
                } else if b == 10 || b == 13 {
                    return try finDeLigne(b)
                } else if b == 32 || b == 9 {
                    ajouter(b)
                } else {
                    if try relireSansGuillemet(ouverture) { return try lireEnregistrement() }
                    ajouter(b)
                    etat = .nonCite
                }
            }
        }
        // End of file.
        if !vu { return nil }
        if etat == .cite && sautDansCite, try relireSansGuillemet(ouverture) { return try lireEnregistrement() }
        if etat == .cite && anomalie == nil { anomalie = .guillemetNonFerme }
        finirChamp()
        return try terminer(ligneDebut, anomalie, nonASCII: nonASCII, nul: nul)
    }

    private func assurerOctet() throws {
        if position >= fin && !finDeFichier { try remplir() }
    }

    private func sauterLF() throws {
        try assurerOctet()
        if position < fin && tampon[position] == 10 { position += 1 }
    }

    private func terminer(_ ligne: Int, _ anomalieLecture: AnomalieLecture?, nonASCII: Bool, nul: Bool) throws -> EnregistrementBrut {
        if !guillemetsLitteraux.isEmpty { guillemetsLitteraux.removeAll() }
        var anomalie = anomalieLecture
        if nul && anomalie == nil { anomalie = .caractereNul }
        var champs: [String] = []
        champs.reserveCapacity(bornes.count)
        if !nonASCII {
            var debut = 0
            for f in bornes {
                champs.append(String(decoding: octets[debut..<f], as: UTF8.self))
                debut = f
            }
            return EnregistrementBrut(ligne: ligne, champs: champs, anomalie: anomalie)
        }
        let valideUTF8 = LecteurCSV.estUTF8Valide(octets)
        switch encodage {
        case .indetermine:
            if valideUTF8 { encodage = .utf8 }
            else if LecteurCSV.semblableMacRoman(octets) { encodage = .macRoman }
            else { encodage = LecteurCSV.semblableISO885915(octets) == .iso885915 ? .iso885915 : .windows1252 }
        case .utf8:
            if !valideUTF8 && anomalie == nil {
                anomalie = .encodage("des caractères ne sont pas en UTF-8 alors que le début du fichier l'est (encodages mélangés)")
            }
        case .windows1252 where !vuOctetC1 && !valideUTF8:
            // Beyond the first buffer of a large file: the first œ between letters, in a file
            // with no byte 0x80–0x9F so far, makes it ISO-8859-15 from there on (the records
            // before it read the same in both, but for a lone ½ ¼ ¾ ¤ ¦ ¨ ´ ¸).
            switch LecteurCSV.semblableISO885915(octets) {
            case .iso885915: encodage = .iso885915
            case .windows1252: vuOctetC1 = true
            case .indecis: break
            }
        case .windows1252, .macRoman, .iso885915:
            if valideUTF8 && anomalie == nil {
                anomalie = .encodage("des caractères sont en UTF-8 alors que le début du fichier est en \(encodage.rawValue) (encodages mélangés)")
            }
        }
        var debut = 0
        for f in bornes {
            let tranche = octets[debut..<f]
            if encodage == .macRoman {
                champs.append(LecteurCSV.decoderMacRoman(tranche))
            } else if encodage == .iso885915 {
                guard let t = LecteurCSV.decoderISO885915(tranche) else {
                    if anomalie == nil { anomalie = .encodage("un octet ne correspond à aucun caractère ISO-8859-15 (encodages mélangés ?)") }
                    champs.append(String(decoding: tranche, as: UTF8.self))
                    debut = f
                    continue
                }
                champs.append(t)
            } else if encodage == .windows1252 {
                guard let t = LecteurCSV.decoderWindows1252(tranche) else {
                    if anomalie == nil { anomalie = .encodage("un octet ne correspond à aucun caractère Windows-1252") }
                    champs.append(String(decoding: tranche, as: UTF8.self))
                    debut = f
                    continue
                }
                champs.append(t)
            } else {
                champs.append(String(decoding: tranche, as: UTF8.self))
            }
            debut = f
        }
        return EnregistrementBrut(ligne: ligne, champs: champs, anomalie: anomalie)
    }

    // MARK: - Encodings

    static func estUTF8Valide<C: Collection>(_ octets: C) -> Bool where C.Element == UInt8 {
        var it = octets.makeIterator()
        while let b = it.next() {
            if b < 0x80 { continue }
            let suite: Int
            var minimum: UInt32
            var cp: UInt32
            switch b {
            case 0xC2...0xDF: suite = 1; cp = UInt32(b & 0x1F); minimum = 0x80
            case 0xE0...0xEF: suite = 2; cp = UInt32(b & 0x0F); minimum = 0x800
            case 0xF0...0xF4: suite = 3; cp = UInt32(b & 0x07); minimum = 0x10000
            default: return false
            }
            for _ in 0..<suite {
                guard let c = it.next(), c & 0xC0 == 0x80 else { return false }
                cp = (cp << 6) | UInt32(c & 0x3F)
            }
            if cp < minimum || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) { return false }
        }
        return true
    }

    /// Windows-1252 bytes 0x80–0x9F (the rest is ISO-8859-1). 0 marks the five unassigned bytes.
    private static let table1252: [UInt32] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
        0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
    ]

    /// Whether a line that is not UTF-8 reads as Mac Roman rather than Windows-1252. French
    /// letters are 0xC0–0xFF in Windows-1252 (é = 0xE9) but 0x80–0x9F in Mac Roman (é = 0x8E,
    /// è = 0x8F, à = 0x88, ç = 0x8D), where Windows-1252 has punctuation or nothing: the bytes
    /// next to a letter say which. `’` and `œ` (0x92, 0x9C in Windows-1252) are left out: they
    /// sit between letters in Windows-1252 French too (« d’Opale », « cœur »).
    static func semblableMacRoman<C: Collection>(_ octets: C) -> Bool where C.Element == UInt8 {
        func lettre(_ b: UInt8?) -> Bool { b.map { ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A } ?? false }
        var mac = 0, windows = 0
        var precedent: UInt8?
        var it = octets.makeIterator()
        var courant = it.next()
        while let b = courant {
            let suivant = it.next()
            if b >= 0x80, lettre(precedent) || lettre(suivant) {
                switch b {
                case 0x81, 0x8D, 0x8F, 0x90, 0x9D: mac += 2   // nothing in Windows-1252
                case 0x92, 0x9C: break
                case 0x80...0x9F: mac += 1
                case 0xC0...0xFF where b != 0xD7 && b != 0xF7: windows += 1
                default: break
                }
            }
            precedent = b
            courant = suivant
        }
        return mac > windows
    }

    /// What the bytes of a text that is not UTF-8 say about ISO-8859-15 against Windows-1252.
    enum IndiceISO: Equatable { case iso885915, windows1252, indecis }

    /// Whether single-byte text reads as ISO-8859-15 rather than Windows-1252. The two differ on
    /// eight bytes, letters in ISO-8859-15 (œ 0xBD, Œ 0xBC, € 0xA4, Š 0xA6, š 0xA8, Ž 0xB4,
    /// ž 0xB8, Ÿ 0xBE) and signs in Windows-1252 (½ ¼ ¤ ¦ ¨ ´ ¸ ¾), and on 0x80–0x9F, punctuation
    /// and letters in Windows-1252 (’ œ …) but control characters in ISO-8859-15:
    /// - any byte 0x80–0x9F: Windows-1252 (or Mac Roman), never ISO-8859-15;
    /// - œ/Œ, š ž € Š Ÿ between two ASCII letters (« cœur », « sœur »): ISO-8859-15, as ½ in
    ///   the middle of a word means nothing in Windows-1252; at a word's start, only before the
    ///   letters a French word gives Œ (« Œuvre », « Œil »): « ½h », « ¼h » are Windows-1252
    ///   (the regression review's L2: such a note made a Windows-1252 file ISO-8859-15, and
    ///   « l´aidant » became « lŽaidant »).
    ///   Only ASCII neighbours count, so that UTF-8 (where these bytes follow a lead byte
    ///   ≥ 0xC2) never matches.
    ///   0xB4 is left out: it is also the acute accent some type for an apostrophe
    ///   (« l´aidant » in Windows-1252).
    static func semblableISO885915<C: Collection>(_ octets: C) -> IndiceISO where C.Element == UInt8 {
        func lettre(_ b: UInt8?) -> Bool { b.map { ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A } ?? false }
        var iso = false
        var precedent: UInt8?
        var it = octets.makeIterator()
        var courant = it.next()
        while let b = courant {
            let suivant = it.next()
            switch b {
            case 0x80...0x9F: return .windows1252
            case 0xBC, 0xBD, 0xA4, 0xA6, 0xA8, 0xB8, 0xBE:
                if lettre(precedent) && lettre(suivant) { iso = true }
                // Œ/œ starting a word is followed by the letters French words give it (Œuvre,
                // Œil, Œdème, Œsophage, Œnologie), never by the units a ½ or ¼ goes with
                // (« ½h », « ¼l »): the second regression review's N3.
                else if (b == 0xBC || b == 0xBD) && !lettre(precedent) && (precedent ?? 0) < 0x80, let s = suivant, [0x75, 0x69, 0x64, 0x73, 0x6E].contains(s | 0x20) { iso = true }
            default: break
            }
            precedent = b
            courant = suivant
        }
        return iso ? .iso885915 : .indecis
    }

    /// ISO-8859-15: ISO-8859-1 but for eight bytes; nil for a byte 0x80–0x9F (control
    /// characters, never in text: the file mixes encodings). By hand rather than through
    /// Foundation: Foundation names no such encoding (it takes a CoreFoundation constant), and
    /// decoding a field through `Data` would cost an allocation per field.
    static func decoderISO885915<C: Collection>(_ octets: C) -> String? where C.Element == UInt8 {
        var scalaires = String.UnicodeScalarView()
        for b in octets {
            switch b {
            case 0x80...0x9F: return nil
            case 0xA4: scalaires.append("\u{20AC}")  // €
            case 0xA6: scalaires.append("\u{0160}")  // Š
            case 0xA8: scalaires.append("\u{0161}")  // š
            case 0xB4: scalaires.append("\u{017D}")  // Ž
            case 0xB8: scalaires.append("\u{017E}")  // ž
            case 0xBC: scalaires.append("\u{0152}")  // Œ
            case 0xBD: scalaires.append("\u{0153}")  // œ
            case 0xBE: scalaires.append("\u{0178}")  // Ÿ
            default: scalaires.append(Unicode.Scalar(b))
            }
        }
        return String(scalaires)
    }

    /// Mac Roman, 0x80–0xFF (every byte is a character): the table of Apple's `ROMAN.TXT`.
    /// Foundation's own decoder is not used: it is not on every platform Swift runs on, and a
    /// 128-entry table is all it takes.
    private static let tableMacRoman: [UInt32] = [
        0x00C4, 0x00C5, 0x00C7, 0x00C9, 0x00D1, 0x00D6, 0x00DC, 0x00E1,
        0x00E0, 0x00E2, 0x00E4, 0x00E3, 0x00E5, 0x00E7, 0x00E9, 0x00E8,
        0x00EA, 0x00EB, 0x00ED, 0x00EC, 0x00EE, 0x00EF, 0x00F1, 0x00F3,
        0x00F2, 0x00F4, 0x00F6, 0x00F5, 0x00FA, 0x00F9, 0x00FB, 0x00FC,
        0x2020, 0x00B0, 0x00A2, 0x00A3, 0x00A7, 0x2022, 0x00B6, 0x00DF,
        0x00AE, 0x00A9, 0x2122, 0x00B4, 0x00A8, 0x2260, 0x00C6, 0x00D8,
        0x221E, 0x00B1, 0x2264, 0x2265, 0x00A5, 0x00B5, 0x2202, 0x2211,
        0x220F, 0x03C0, 0x222B, 0x00AA, 0x00BA, 0x03A9, 0x00E6, 0x00F8,
        0x00BF, 0x00A1, 0x00AC, 0x221A, 0x0192, 0x2248, 0x2206, 0x00AB,
        0x00BB, 0x2026, 0x00A0, 0x00C0, 0x00C3, 0x00D5, 0x0152, 0x0153,
        0x2013, 0x2014, 0x201C, 0x201D, 0x2018, 0x2019, 0x00F7, 0x25CA,
        0x00FF, 0x0178, 0x2044, 0x20AC, 0x2039, 0x203A, 0xFB01, 0xFB02,
        0x2021, 0x00B7, 0x201A, 0x201E, 0x2030, 0x00C2, 0x00CA, 0x00C1,
        0x00CB, 0x00C8, 0x00CD, 0x00CE, 0x00CF, 0x00CC, 0x00D3, 0x00D4,
        0xF8FF, 0x00D2, 0x00DA, 0x00DB, 0x00D9, 0x0131, 0x02C6, 0x02DC,
        0x00AF, 0x02D8, 0x02D9, 0x02DA, 0x00B8, 0x02DD, 0x02DB, 0x02C7,

    ]

    static func decoderMacRoman<C: Collection>(_ octets: C) -> String where C.Element == UInt8 {
        var scalaires = String.UnicodeScalarView()
        for b in octets {
            scalaires.append(b < 0x80 ? Unicode.Scalar(b) : Unicode.Scalar(tableMacRoman[Int(b - 0x80)]) ?? "\u{FFFD}")
        }
        return String(scalaires)
    }

    static func decoderWindows1252<C: Collection>(_ octets: C) -> String? where C.Element == UInt8 {
        var scalaires = String.UnicodeScalarView()
        for b in octets {
            if b >= 0x80 && b <= 0x9F {
                let cp = table1252[Int(b - 0x80)]
                guard cp != 0, let s = Unicode.Scalar(cp) else { return nil }
                scalaires.append(s)
            } else {
                scalaires.append(Unicode.Scalar(b))
            }
        }
        return String(scalaires)
    }
}
