import Foundation
#if canImport(Glibc)
import Glibc
#endif
import ObservatoireCore
import ObservatoireIndicateurs

/// Why an exchange file is refused: what is wrong, in French, and what to do. Never quotes a
/// value of the file (only its name, and the column or key where the problem is).
struct RefusEchange: Error {
    var raison: String
    var conseil: String
    /// Not a refusal: a consolidated table of an earlier run, set aside without complaint.
    var tableauConsolide = false

    init(_ raison: String, conseil: String = RefusEchange.conseilExport) {
        self.raison = raison
        self.conseil = conseil
    }

    static let conseilExport = "Demandez à la C360 un nouvel export : « c360 indicateurs --annee AAAA --diffusion externe --format csv --sortie DOSSIER » (le fichier et son empreinte .sha256)."
}

/// Reads the indicator exchange files (`docs/format-echange.md`), JSON or CSV, every version
/// this program knows, and checks each: the format and its version, the C360 and its
/// département, the period, the diffusion — **internal files are refused**, they may hold small
/// counts —, the SHA-256 sidecar when there is one, and every figure (a number, or a word of the
/// small-count rule). Files are opened as regular files only (never through a link, never
/// blocking on a FIFO), bounded in size; folders are read in name order, a few levels deep.
///
/// ```swift
/// let lot = LectureEchange.lire([URL(fileURLWithPath: "envois/")])
/// lot.fichiers     // the files that can be consolidated
/// lot.ecartes      // the others, each with its reason
/// ```
public enum LectureEchange {
    /// Largest exchange file read (a C360's is a few dozen kilobytes).
    public static let tailleMaximale = 16 << 20
    /// Most files read in one run (101 départements × a few years, with room).
    public static let fichiersMaximum = 20_000
    /// How deep folders are read (`envois/2025/`, `envois/region/2025/`).
    public static let profondeurMaximale = 4

    public static func lire(_ chemins: [URL], referentiel: Referentiel = .integre) -> LotEchanges {
        var lot = LotEchanges()
        var candidats: [URL] = []
        for url in chemins { explorer(url, ligneDeCommande: true, profondeur: 0, candidats: &candidats, lot: &lot) }
        for url in candidats {
            if lot.fichiers.count + lot.ecartes.count >= fichiersMaximum {
                lot.ecartes.append(FichierEcarte(nom: url.lastPathComponent, chemin: url.path, motif: .refuse,
                                                 raison: "au-delà de \(fichiersMaximum) fichiers, les suivants ne sont pas lus",
                                                 conseil: "Consolidez moins de fichiers à la fois (un dossier par année, par exemple)."))
                continue
            }
            do {
                lot.fichiers.append(try lire(fichier: url, referentiel: referentiel))
            } catch let r as RefusEchange {
                lot.ecartes.append(FichierEcarte(nom: url.lastPathComponent, chemin: url.path, motif: r.tableauConsolide ? .tableauConsolide : .refuse,
                                                 raison: r.raison, conseil: r.tableauConsolide ? nil : r.conseil))
            } catch let e as ErreurFichier {
                lot.ecartes.append(FichierEcarte(nom: url.lastPathComponent, chemin: url.path, motif: .refuse, raison: e.raison, conseil: e.conseil))
            } catch {
                lot.ecartes.append(FichierEcarte(nom: url.lastPathComponent, chemin: url.path, motif: .refuse,
                                                 raison: MessageSysteme.francais(error), conseil: "Vérifiez le fichier et les droits du compte qui lance c360."))
            }
        }
        return lot
    }

    /// Files of a folder (in name order, hidden ones skipped): `.csv` and `.json`; a link or a
    /// special file with such a name is recorded as refused, never opened. A folder named on the
    /// command line may be a link; a file named on the command line is opened like the others.
    static func explorer(_ url: URL, ligneDeCommande: Bool, profondeur: Int, candidats: inout [URL], lot: inout LotEchanges) {
        var s = stat()
        let vu = ligneDeCommande ? stat(url.path, &s) : lstat(url.path, &s)
        let nom = url.lastPathComponent
        guard vu == 0 else {
            let e = errno
            lot.ecartes.append(FichierEcarte(nom: nom, chemin: url.path, motif: .refuse, raison: MessageSysteme.errno(e),
                                             conseil: e == ENOENT ? "Vérifiez le chemin indiqué." : "Vérifiez les droits du compte qui lance c360."))
            return
        }
        let type = s.st_mode & S_IFMT
        if type == S_IFDIR {
            guard profondeur <= profondeurMaximale else { return }
            let noms: [String]
            do {
                noms = try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
            } catch {
                lot.ecartes.append(FichierEcarte(nom: nom, chemin: url.path, motif: .refuse, raison: "dossier illisible (\(MessageSysteme.francais(error)))",
                                                 conseil: "Vérifiez les droits du compte qui lance c360."))
                return
            }
            for n in noms where !n.hasPrefix(".") {
                let enfant = url.appendingPathComponent(n)
                var t = stat()
                guard lstat(enfant.path, &t) == 0 else { continue }
                let minuscule = n.lowercased()
                let echange = minuscule.hasSuffix(".csv") || minuscule.hasSuffix(".json")
                switch t.st_mode & S_IFMT {
                case S_IFDIR: explorer(enfant, ligneDeCommande: false, profondeur: profondeur + 1, candidats: &candidats, lot: &lot)
                case S_IFREG: if echange { candidats.append(enfant) }
                default:
                    if echange {
                        let lien = t.st_mode & S_IFMT == S_IFLNK
                        lot.ecartes.append(FichierEcarte(nom: n, chemin: enfant.path, motif: .refuse,
                                                         raison: lien ? "c'est un lien symbolique ; par sécurité, c360 ne suit pas les liens"
                                                             : "ce n'est pas un fichier ordinaire (tube, périphérique ou prise réseau)",
                                                         conseil: "Remplacez-le par le fichier lui-même (une copie)."))
                    }
                }
            }
        } else {
            candidats.append(url)
        }
    }

    // MARK: - One file

    /// Reads and checks one exchange file; throws ``RefusEchange`` or ``ErreurFichier``.
    static func lire(fichier url: URL, referentiel: Referentiel) throws -> FichierEchange {
        let f = try FichierSur.ouvrir(url)
        let octets: [UInt8]
        do {
            defer { f.fermer() }
            octets = try f.lireTout(limite: tailleMaximale)
        }
        let empreinte = Empreinte.sha256(octets)
        var avertissements: [String] = []
        let verifiee = try verifierEmpreinte(url, empreinte)
        var corps = octets
        if corps.starts(with: [0xEF, 0xBB, 0xBF]) { corps.removeFirst(3) }
        guard !corps.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) else {
            throw RefusEchange("le fichier est vide")
        }
        guard let texte = String(bytes: corps, encoding: .utf8) else {
            throw RefusEchange("il n'est pas en UTF-8 (il a sans doute été ouvert puis enregistré par un tableur)",
                               conseil: "Envoyez le fichier tel que c360 l'a écrit, sans l'ouvrir dans un tableur, ou demandez un nouvel export.")
        }
        let premier = corps.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
        var lu = premier == UInt8(ascii: "{") || premier == UInt8(ascii: "[")
            ? try LectureJSON.lire(Data(corps)) : try LectureCSV.lire(texte)
        guard let version = lu.versionFormat else {
            avertissements.append("format d'avant la version 1 (sans numéro de version) : lu quand même, mais ni la date d'extraction ni la version de l'outil ne sont connues")
            return try terminer(&lu, url: url, empreinte: empreinte, verifiee: verifiee, avertissements: avertissements, referentiel: referentiel)
        }
        guard version >= 1 else { throw RefusEchange("numéro de version du format invalide") }
        guard version <= FormatEchange.version else {
            throw RefusEchange("version \(version) du format d'échange, plus récente que celle que lit cette version de c360 (\(FormatEchange.version))",
                               conseil: "Mettez c360 à jour (version \(Version.courante) installée), puis relancez la consolidation.")
        }
        return try terminer(&lu, url: url, empreinte: empreinte, verifiee: verifiee, avertissements: avertissements, referentiel: referentiel)
    }

    static func terminer(_ lu: inout FichierEchange, url: URL, empreinte: String, verifiee: Bool, avertissements: [String],
                         referentiel: Referentiel) throws -> FichierEchange {
        guard let d = referentiel[lu.departement] else {
            throw RefusEchange("code de département inconnu (ni un des 101 départements, ni vide)",
                               conseil: "Vérifiez « departement » dans observatoire.yml de la C360, puis demandez un nouvel export.")
        }
        lu.departement = d.code
        lu.chemin = url.path
        lu.nom = url.lastPathComponent
        lu.empreinte = empreinte
        lu.empreinteVerifiee = verifiee
        lu.avertissements = avertissements + lu.avertissements
        if !verifiee {
            lu.avertissements.append("sans empreinte SHA-256 (fichier .sha256) : son intégrité n'a pas pu être vérifiée")
        }
        return lu
    }

    /// Whether the file has a matching `.sha256` sidecar; a sidecar that does not match (or that
    /// cannot be read) refuses the file.
    static func verifierEmpreinte(_ url: URL, _ empreinte: String) throws -> Bool {
        let chemin = url.path + "." + FormatEchange.extensionEmpreinte
        switch FichierSur.existe(chemin) {
        case false?: return false
        case nil: throw RefusEchange("son empreinte « \(URL(fileURLWithPath: chemin).lastPathComponent) » n'est pas accessible (droits insuffisants)",
                                     conseil: "Donnez au compte qui lance c360 le droit de lire le dossier.")
        case true?: break
        }
        let texte: String
        do {
            texte = try FichierSur.lireTexte(URL(fileURLWithPath: chemin), limite: 4_096)
        } catch let e as ErreurFichier {
            throw RefusEchange("son empreinte .sha256 est illisible : \(e.raison)", conseil: e.conseil)
        }
        guard let attendue = Empreinte.lire(texte) else {
            throw RefusEchange("son fichier d'empreinte .sha256 n'est pas une empreinte SHA-256 (64 caractères hexadécimaux)")
        }
        guard attendue == empreinte else {
            throw RefusEchange("son empreinte SHA-256 ne correspond pas au fichier : il a été modifié (ou tronqué) depuis son export",
                               conseil: "Demandez à la C360 de renvoyer le fichier et son .sha256 tels que c360 les a écrits ; ne les ouvrez pas dans un tableur avant de les consolider.")
        }
        return true
    }

    // MARK: - Values

    /// A withheld figure as the files write it: « < 5 » (any threshold), « secret »,
    /// « effectif insuffisant ».
    static func retenue(_ s: String) -> Retenue? {
        let t = s.trimmingCharacters(in: .whitespaces)
        if t == SecretStatistique.libelleSecondaire { return .secret }
        if t == SecretStatistique.libelleInsuffisant { return .effectifInsuffisant }
        if t.hasPrefix("<"), let n = Int(t.dropFirst().trimmingCharacters(in: .whitespaces)), (2...1_000).contains(n) { return .petitEffectif }
        return nil
    }

    static let plusGrandNombre = 1e12

    static func nombre(_ x: Double, lieu: String) throws -> Figure {
        guard x.isFinite, abs(x) <= plusGrandNombre else { throw RefusEchange("\(lieu) : nombre hors des bornes") }
        return .nombre(x)
    }

    static let texteMaximal = 1_000

    /// Text from the file (a name, a label, a key): control characters removed, length bounded.
    static func texte(_ s: String, lieu: String, maximum: Int = texteMaximal) throws -> String {
        guard s.count <= maximum else { throw RefusEchange("\(lieu) : texte de plus de \(maximum) caractères") }
        return TexteSur.sansControles(s)
    }

    /// The codes of indicators: letters, digits, `.`, `_`, `-` (`1.4`, `x.canal`).
    static func code(_ s: String, lieu: String) throws -> String {
        guard (1...40).contains(s.count), s.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0)) }) else {
            throw RefusEchange("\(lieu) : code d'indicateur invalide")
        }
        return s
    }

    /// Checks what a published indicator can be: counts and rates not negative, a rate or share
    /// at most 100 %, a numerator not above its denominator.
    static func verifier(_ i: IndicateurEchange, lieu: String) throws {
        func positif(_ f: Figure, _ nom: String) throws {
            if let x = f.nombre, x < 0 { throw RefusEchange("\(lieu), \(nom) : valeur négative") }
        }
        func pourcentage(_ f: Figure, _ nom: String) throws {
            if let x = f.nombre, x < 0 || x > 100.05 { throw RefusEchange("\(lieu), \(nom) : pourcentage hors de 0 à 100") }
        }
        try positif(i.valeur, "valeur")
        try positif(i.numerateur, "numérateur")
        try positif(i.denominateur, "dénominateur")
        try pourcentage(i.taux, "taux")
        if let n = i.numerateur.nombre, let d = i.denominateur.nombre, n > d {
            throw RefusEchange("\(lieu) : numérateur supérieur au dénominateur")
        }
        for s in i.statistiques { try positif(s.figure, "statistique « \(s.nom) »") }
        for l in i.repartition {
            try positif(l.n, "répartition")
            try pourcentage(l.taux, "part de la répartition")
        }
    }

    /// The identity every exchange file must give, checked the same for JSON and CSV.
    static func identite(diffusion: String?, territoire: String?, debut: String?, fin: String?, c360: String?, departement: String?) throws
        -> (periode: Periode, c360: String, departement: String) {
        // The diffusion first: an internal file is refused before anything else is looked at.
        try verifierDiffusion(diffusion)
        if let t = territoire, !t.isEmpty {
            throw RefusEchange("c'est l'export d'un seul territoire de la C360 ; la consolidation compare des C360 entières",
                               conseil: "Demandez l'export de toute la C360 (sans --territoire).")
        }
        guard let debut, let fin, let d = Jour(iso: debut), let f = Jour(iso: fin), d <= f else {
            throw RefusEchange("période absente ou illisible (début et fin AAAA-MM-JJ attendus)")
        }
        guard let c360, !c360.trimmingCharacters(in: .whitespaces).isEmpty else { throw RefusEchange("nom de la C360 absent") }
        guard let departement, !departement.isEmpty else { throw RefusEchange("département de la C360 absent") }
        return (Periode(debut: d, fin: f), try texte(c360, lieu: "nom de la C360", maximum: 300), Referentiel.normaliser(departement))
    }

    /// Only published (`externe`) files are consolidated: an internal one may hold small counts.
    static func verifierDiffusion(_ diffusion: String?) throws {
        switch diffusion {
        case "externe"?: break
        case "interne"?:
            throw RefusEchange("c'est un export interne (diffusion interne) : il peut contenir de petits effectifs qui permettraient de reconnaître des personnes ; la consolidation ne lit que les exports externes",
                               conseil: "Supprimez ce fichier de l'envoi et demandez à la C360 son export externe : « c360 indicateurs --annee AAAA --diffusion externe --format csv --sortie DOSSIER ».")
        default:
            throw RefusEchange("diffusion absente ou inconnue (« externe » attendu) : ce n'est pas un fichier d'échange de c360")
        }
    }
}

// MARK: - JSON

/// The JSON exchange file (`c360 indicateurs --format json`), read with Foundation's parser
/// (the file is bounded; the parser limits nesting).
enum LectureJSON {
    static func lire(_ donnees: Data) throws -> FichierEchange {
        let brut: Any
        do {
            brut = try JSONSerialization.jsonObject(with: donnees)
        } catch {
            throw RefusEchange("ce n'est pas un JSON lisible (fichier tronqué ou abîmé ?)")
        }
        guard let racine = brut as? [String: Any] else { throw RefusEchange("ce n'est pas un fichier d'échange de c360 (objet JSON attendu)") }
        if let format = racine["format"], format as? String != FormatEchange.nom {
            throw RefusEchange("ce n'est pas un fichier d'échange de c360 (« format » inattendu)")
        }
        let periode = racine["periode"] as? [String: Any]
        let c360 = racine["c360"] as? [String: Any]
        // The diffusion is looked at first (``LectureEchange.identite``), even in an older file.
        let versionFormat: Int?
        switch racine["version_format"] {
        case nil: versionFormat = nil
        case let n as Int: versionFormat = n
        default: throw RefusEchange("« version_format » n'est pas un nombre entier")
        }
        if versionFormat == nil, c360 == nil {
            // A JSON from before version 1 says neither the C360 nor its département: refused
            // (an internal one, as internal).
            try LectureEchange.verifierDiffusion(racine["diffusion"] as? String)
            throw RefusEchange("export JSON d'avant la version 1 du format (sans « version_format ») : il ne dit ni le nom de la C360 ni son département")
        }
        let id = try LectureEchange.identite(diffusion: racine["diffusion"] as? String, territoire: racine["territoire"] as? String,
                                             debut: periode?["debut"] as? String, fin: periode?["fin"] as? String,
                                             c360: c360?["nom"] as? String, departement: c360?["departement"] as? String)
        if racine["territoire"] != nil, !(racine["territoire"] is NSNull), !(racine["territoire"] is String) {
            throw RefusEchange("« territoire » illisible")
        }
        var extraction: Date?
        if let e = racine["extraction"] {
            guard let s = e as? String, let d = Horodatage.lire(s) else { throw RefusEchange("date d'extraction illisible") }
            extraction = d
        } else if versionFormat != nil {
            throw RefusEchange("date d'extraction absente")
        }
        let outil = racine["outil"] as? [String: Any]
        let versionOutil = try (outil?["version"] as? String).map { try LectureEchange.texte($0, lieu: "version de l'outil", maximum: 40) }
        var seuil: Int?
        if let s = racine["seuil"] {
            guard let n = s as? Int, (2...1_000).contains(n) else { throw RefusEchange("seuil du secret statistique illisible") }
            seuil = n
        }
        guard let liste = racine["indicateurs"] as? [Any] else { throw RefusEchange("liste « indicateurs » absente") }
        var indicateurs: [IndicateurEchange] = []
        var codes = Set<String>()
        for (k, element) in liste.enumerated() {
            guard let o = element as? [String: Any] else { throw RefusEchange("indicateur n° \(k + 1) : objet attendu") }
            let lieu0 = "indicateur n° \(k + 1)"
            let code = try LectureEchange.code(o["code"] as? String ?? "", lieu: lieu0)
            let lieu = "indicateur \(code)"
            guard codes.insert(code).inserted else { throw RefusEchange("\(lieu) : présent deux fois") }
            indicateurs.append(try indicateur(o, code: code, lieu: lieu))
        }
        return FichierEchange(chemin: "", nom: "", format: .json, versionFormat: versionFormat, c360: id.c360, departement: id.departement,
                              periode: id.periode, extraction: extraction, versionOutil: versionOutil, seuil: seuil, empreinte: "",
                              empreinteVerifiee: false, indicateurs: indicateurs, avertissements: [])
    }

    static func figure(_ v: Any?, lieu: String) throws -> Figure {
        switch v {
        case nil: return .absente
        case is NSNull: return .absente
        case let s as String:
            guard let r = LectureEchange.retenue(s) else {
                throw RefusEchange("\(lieu) : ni un nombre ni un mot du secret statistique (« < 5 », « secret », « effectif insuffisant »)")
            }
            return .retenue(r)
        case let n as NSNumber:
            return try LectureEchange.nombre(n.doubleValue, lieu: lieu)
        default:
            throw RefusEchange("\(lieu) : valeur illisible")
        }
    }

    static func indicateur(_ o: [String: Any], code: String, lieu: String) throws -> IndicateurEchange {
        guard let s = o["statut"] as? String, let statut = StatutIndicateur(rawValue: s) else { throw RefusEchange("\(lieu) : statut absent ou inconnu") }
        var unite: Indicateur.Unite?
        if let u = o["unite"] {
            guard let t = u as? String, let x = Indicateur.Unite(rawValue: t) else { throw RefusEchange("\(lieu) : unité inconnue") }
            unite = x
        }
        var cible: Cible?
        if let c = o["cible"], !(c is NSNull) {
            guard let c = c as? [String: Any], let v = (c["valeur"] as? NSNumber)?.doubleValue, v.isFinite,
                  let sens = (c["sens"] as? String).flatMap(Cible.Sens.init(rawValue:)) else {
                throw RefusEchange("\(lieu) : cible illisible")
            }
            cible = Cible(valeur: v, sens: sens)
        }
        var atteinte: Bool?
        if let a = o["atteinte"], !(a is NSNull) {
            guard let b = a as? Bool else { throw RefusEchange("\(lieu) : « atteinte » illisible") }
            atteinte = b
        }
        var statistiques: [(nom: String, figure: Figure)] = []
        if let st = o["statistiques"], !(st is NSNull) {
            guard let st = st as? [String: Any] else { throw RefusEchange("\(lieu) : statistiques illisibles") }
            for nom in st.keys.sorted() {
                let n = try LectureEchange.code(nom, lieu: "\(lieu), statistique")
                statistiques.append((n, try figure(st[nom], lieu: "\(lieu), statistique « \(n) »")))
            }
        }
        var repartition: [LigneEchange] = []
        if let r = o["repartition"], !(r is NSNull) {
            guard let r = r as? [Any] else { throw RefusEchange("\(lieu) : répartition illisible") }
            for (k, e) in r.enumerated() {
                guard let l = e as? [String: Any], let cle = l["cle"] as? String else { throw RefusEchange("\(lieu), ligne \(k + 1) de la répartition : illisible") }
                repartition.append(LigneEchange(cle: try LectureEchange.texte(cle, lieu: "\(lieu), clé de répartition", maximum: 200),
                                                n: try figure(l["n"], lieu: "\(lieu), répartition"),
                                                taux: try figure(l["taux"], lieu: "\(lieu), part de la répartition")))
            }
        }
        let i = IndicateurEchange(code: code, libelle: try LectureEchange.texte(o["libelle"] as? String ?? code, lieu: "\(lieu), libellé"),
                                  unite: unite, statut: statut,
                                  valeur: try figure(o["valeur"], lieu: "\(lieu), valeur"),
                                  numerateur: try figure(o["numerateur"], lieu: "\(lieu), numérateur"),
                                  denominateur: try figure(o["denominateur"], lieu: "\(lieu), dénominateur"),
                                  taux: try figure(o["taux"], lieu: "\(lieu), taux"),
                                  cible: cible, atteinte: atteinte, statistiques: statistiques, repartition: repartition)
        // A withheld rate is written null with its reason beside it.
        var resultat = i
        if resultat.taux == .absente, let r = o["taux_retenu"] as? String, let retenue = Retenue(rawValue: r) { resultat.taux = .retenue(retenue) }
        try LectureEchange.verifier(resultat, lieu: lieu)
        return resultat
    }
}

// MARK: - CSV

/// The CSV exchange file (`c360 indicateurs --format csv`): `;`-separated UTF-8, quoted fields,
/// one row per indicator × line. Read by a small splitter written here rather than with the
/// import's reader: that one looks for the canonical tables' headers and guesses encodings and
/// separators, while an exchange file has one exact shape, checked column by column.
enum LectureCSV {
    static let colonnesObligatoires = Array(Restitution.colonnesCSV.prefix(18))
    static let champMaximal = 10_000
    static let champsMaximum = 200

    /// The records of the text: fields split on `;`, quotes doubled inside quoted fields, CRLF or LF.
    static func enregistrements(_ texte: String) throws -> [(ligne: Int, champs: [String])] {
        var resultat: [(Int, [String])] = []
        var champs: [String] = []
        var champ: [UInt8] = []
        var guillemets = false
        var ligne = 1
        var debutEnregistrement = 1
        let octets = Array(texte.utf8)
        var i = 0
        func finirChamp() throws {
            guard champ.count <= champMaximal else { throw RefusEchange("ligne \(debutEnregistrement) : champ de plus de \(champMaximal) octets") }
            champs.append(String(decoding: champ, as: UTF8.self))
            champ.removeAll(keepingCapacity: true)
            guard champs.count <= champsMaximum else { throw RefusEchange("ligne \(debutEnregistrement) : plus de \(champsMaximum) colonnes") }
        }
        while i < octets.count {
            let c = octets[i]
            if guillemets {
                if c == UInt8(ascii: "\"") {
                    if i + 1 < octets.count && octets[i + 1] == UInt8(ascii: "\"") { champ.append(c); i += 1 } else { guillemets = false }
                } else {
                    if c == 0x0A { ligne += 1 }
                    champ.append(c)
                }
            } else if c == UInt8(ascii: "\"") && champ.isEmpty {
                guillemets = true
            } else if c == UInt8(ascii: ";") {
                try finirChamp()
            } else if c == 0x0A || c == 0x0D {
                if c == 0x0D && i + 1 < octets.count && octets[i + 1] == 0x0A { i += 1 }
                try finirChamp()
                if !(champs.count == 1 && champs[0].isEmpty) { resultat.append((debutEnregistrement, champs)) }
                champs = []
                ligne += 1
                debutEnregistrement = ligne
            } else {
                champ.append(c)
            }
            i += 1
        }
        if guillemets { throw RefusEchange("le fichier se termine au milieu d'un champ entre guillemets (fichier tronqué ?)") }
        if !champ.isEmpty || !champs.isEmpty {
            try finirChamp()
            if !(champs.count == 1 && champs[0].isEmpty) { resultat.append((debutEnregistrement, champs)) }
        }
        return resultat
    }

    /// Text the export protected from spreadsheets (a leading `'` before `=`, `+`, `-`, `@`).
    static func sansProtection(_ s: String) -> String {
        guard s.hasPrefix("'"), let second = s.dropFirst().first, "=+-@\t\r".contains(second) else { return s }
        return String(s.dropFirst())
    }

    static func lire(_ texte: String) throws -> FichierEchange {
        let lignes = try enregistrements(texte)
        guard let entete = lignes.first?.champs.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) else {
            throw RefusEchange("le fichier est vide")
        }
        if entete == SortieCSV.colonnes {
            var r = RefusEchange("tableau consolidé d'une consolidation précédente, pas un fichier d'échange : laissé de côté")
            r.tableauConsolide = true
            throw r
        }
        var index: [String: Int] = [:]
        for (k, nom) in entete.enumerated() where index[nom] == nil { index[nom] = k }
        let manquantes = colonnesObligatoires.filter { index[$0] == nil }
        guard manquantes.isEmpty else {
            throw RefusEchange("ce n'est pas un fichier d'échange de c360 : colonne(s) absente(s) : \(manquantes.joined(separator: ", "))")
        }
        let donnees = Array(lignes.dropFirst())
        guard let premiere = donnees.first else { throw RefusEchange("aucun indicateur dans le fichier") }
        func valeur(_ r: [String], _ colonne: String) -> String? {
            guard let k = index[colonne] else { return nil }
            return k < r.count ? r[k] : ""
        }
        let p = premiere.champs
        let id = try LectureEchange.identite(diffusion: valeur(p, "diffusion"), territoire: valeur(p, "territoire").map(sansProtection),
                                             debut: valeur(p, "debut"), fin: valeur(p, "fin"),
                                             c360: valeur(p, "c360").map(sansProtection), departement: valeur(p, "departement"))
        let identiques = ["c360", "departement", "debut", "fin", "territoire", "diffusion", "version_format", "extraction", "version_outil", "seuil"]
        let avecVersion = index["version_format"] != nil
        var versionFormat: Int?
        var extraction: Date?
        var versionOutil: String?
        var seuil: Int?
        if avecVersion {
            guard let v = valeur(p, "version_format").flatMap({ Int($0) }) else { throw RefusEchange("ligne \(premiere.ligne), colonne version_format : numéro de version illisible") }
            versionFormat = v
            guard let e = valeur(p, "extraction").flatMap(Horodatage.lire) else { throw RefusEchange("ligne \(premiere.ligne), colonne extraction : date d'extraction illisible") }
            extraction = e
            versionOutil = try valeur(p, "version_outil").map { try LectureEchange.texte($0, lieu: "version de l'outil", maximum: 40) }
            if let s = valeur(p, "seuil") {
                guard let n = Int(s), (2...1_000).contains(n) else { throw RefusEchange("ligne \(premiere.ligne), colonne seuil : seuil illisible") }
                seuil = n
            }
        }
        var ordre: [String] = []
        var parCode: [String: IndicateurEchange] = [:]
        var totaux = Set<String>()
        for (ligne, r) in donnees {
            for colonne in identiques where index[colonne] != nil && valeur(r, colonne) != valeur(p, colonne) {
                throw RefusEchange("ligne \(ligne), colonne \(colonne) : différente de la première ligne (un fichier d'échange ne contient qu'une C360 et qu'une période)")
            }
            let code = try LectureEchange.code(valeur(r, "code") ?? "", lieu: "ligne \(ligne), colonne code")
            let lieu = "ligne \(ligne)"
            func figure(_ colonne: String) throws -> Figure {
                let s = (valeur(r, colonne) ?? "").trimmingCharacters(in: .whitespaces)
                if s.isEmpty { return .absente }
                if let x = Double(s) { return try LectureEchange.nombre(x, lieu: "\(lieu), colonne \(colonne)") }
                if let retenue = LectureEchange.retenue(s) { return .retenue(retenue) }
                throw RefusEchange("\(lieu), colonne \(colonne) : ni un nombre ni un mot du secret statistique (« < 5 », « secret », « effectif insuffisant »)")
            }
            if parCode[code] == nil {
                ordre.append(code)
                parCode[code] = IndicateurEchange(code: code, libelle: code, unite: nil, statut: .calcule, valeur: .absente, numerateur: .absente,
                                                  denominateur: .absente, taux: .absente, cible: nil, atteinte: nil, statistiques: [], repartition: [])
            }
            var i = parCode[code]!
            if let u = valeur(r, "unite"), !u.isEmpty {
                guard let x = Indicateur.Unite(rawValue: u) else { throw RefusEchange("\(lieu), colonne unite : unité inconnue") }
                i.unite = x
            }
            switch valeur(r, "ligne") {
            case "total"?:
                guard totaux.insert(code).inserted else { throw RefusEchange("\(lieu) : deux lignes « total » pour l'indicateur \(code)") }
                guard let s = valeur(r, "statut"), let statut = StatutIndicateur(rawValue: s) else { throw RefusEchange("\(lieu), colonne statut : statut inconnu") }
                i.statut = statut
                i.libelle = try LectureEchange.texte(sansProtection(valeur(r, "libelle") ?? code), lieu: "\(lieu), colonne libelle")
                i.valeur = try figure("valeur")
                i.numerateur = try figure("numerateur")
                i.denominateur = try figure("denominateur")
                i.taux = try figure("taux")
                let c = valeur(r, "cible") ?? "", sens = valeur(r, "sens") ?? ""
                if !c.isEmpty || !sens.isEmpty {
                    guard let v = Double(c), v.isFinite, let s = Cible.Sens(rawValue: sens) else { throw RefusEchange("\(lieu), colonnes cible et sens : cible illisible") }
                    i.cible = Cible(valeur: v, sens: s)
                }
                switch valeur(r, "atteinte") ?? "" {
                case "oui": i.atteinte = true
                case "non": i.atteinte = false
                case "": i.atteinte = nil
                default: throw RefusEchange("\(lieu), colonne atteinte : « oui », « non » ou vide attendu")
                }
            case "statistique"?:
                let nom = try LectureEchange.code(valeur(r, "cle") ?? "", lieu: "\(lieu), colonne cle")
                i.statistiques.append((nom, try figure("valeur")))
            case "repartition"?:
                let cle = try LectureEchange.texte(sansProtection(valeur(r, "cle") ?? ""), lieu: "\(lieu), colonne cle", maximum: 200)
                i.repartition.append(LigneEchange(cle: cle, n: try figure("valeur"), taux: try figure("taux")))
            default:
                throw RefusEchange("\(lieu), colonne ligne : « total », « statistique » ou « repartition » attendu")
            }
            parCode[code] = i
        }
        var indicateurs: [IndicateurEchange] = []
        for code in ordre {
            guard totaux.contains(code) else { throw RefusEchange("indicateur \(code) : ligne « total » absente") }
            let i = parCode[code]!
            try LectureEchange.verifier(i, lieu: "indicateur \(code)")
            indicateurs.append(i)
        }
        return FichierEchange(chemin: "", nom: "", format: .csv, versionFormat: versionFormat, c360: id.c360, departement: id.departement,
                              periode: id.periode, extraction: extraction, versionOutil: versionOutil, seuil: seuil, empreinte: "",
                              empreinteVerifiee: false, indicateurs: indicateurs, avertissements: [])
    }
}
