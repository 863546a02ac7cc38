import ArgumentParser
import Foundation
import ObservatoireCore
import ObservatoireImport
import ObservatoireRapports
import ObservatoireStore

enum FormatRejets: String, ExpressibleByArgument, CaseIterable {
    case xlsx, csv

    // The help names the values in French in its own text (see Francais.swift).
    static var allValueStrings: [String] { [] }
    static var defaultCompletionKind: CompletionKind { .list(allCases.map(\.rawValue)) }
}

struct CommandeRejets: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rejets",
        abstract: "Écrit les lignes rejetées et les avertissements de l'état actuel de la base, à corriger (classeur Excel ou CSV).",
        discussion: """
        Une ligne par problème : fichier, ligne Excel, colonne du tableur, colonne du format, valeur, \
        motif, où corriger (le tableur ou le profil de correspondance) et quoi faire. Seuls les \
        problèmes qui concernent encore l'état actuel sont listés : une ligne corrigée puis \
        réimportée, ou remplacée par un export complet plus récent, disparaît de la liste. Le fichier \
        cite des valeurs des exports : il reste dans la C360 (mode 0600). Code de sortie 3 s'il reste \
        des lignes rejetées, 0 sinon.
        """
    )

    @OptionGroup var espace: OptionsEspace

    @Option(help: ArgumentHelp("xlsx ou csv.", valueName: "FORMAT"))
    var format: FormatRejets = .xlsx

    @Option(help: ArgumentHelp("Fichier à écrire (par défaut : rapports/lignes-a-corriger.xlsx ou .csv).", valueName: "FICHIER"))
    var sortie: String?

    func run() throws {
        let espace = try self.espace.espace()
        let verrou = try Verrou.prendrePartage(espace)
        defer { verrou.liberer() }
        let base = try Base.ouvrir(espace.baseDeDonnees, creer: false, espace: espace)
        let etat = try base.file.read { db in try EtatQualite.lire(db) }
        let url = sortie.map { URL(fileURLWithPath: $0) }
            ?? espace.dossierRapports.appendingPathComponent("lignes-a-corriger.\(format.rawValue)")
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw ErreurObservatoire.ecriture(url.deletingLastPathComponent().path, "dossier impossible à créer")
        }
        switch format {
        case .xlsx:
            try ExportRejets.xlsx(etat, chemin: url, nomC360: espace.configuration.nom)
        case .csv:
            try FichierPrive.ecrire(Data(ExportRejets.csv(etat).utf8), vers: url)
        }
        Sortie.ecrire("""
        Lignes à corriger de « \(espace.configuration.nom) » : \(Bilans.pluriel(etat.totalRejetees, "ligne rejetée", "lignes rejetées")) (non enregistrées), \(Bilans.pluriel(etat.totalAvertissements, "avertissement")) (lignes enregistrées incomplètes).
          \(url.path)
        """)
        if etat.totalRejetees > 0 { throw ExitCode(CodeSortie.rejets.rawValue) }
    }
}

struct CommandeModeleSuivi: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modele-suivi",
        abstract: "Écrit un tableur de suivi prêt à remplir (.xlsx), que « c360 importer » relit sans profil.",
        discussion: """
        Une feuille par table (sollicitations, propositions, acteurs, équipe, membres cœur) avec des \
        en-têtes en français, des listes déroulantes pour chaque colonne à valeurs fixées, des dates \
        vérifiées et une feuille « Mode d'emploi ». Dans un espace de travail, les territoires et la \
        typologie des problématiques de observatoire.yml alimentent les listes. Le classeur est un \
        registre complet : chaque import remplace l'état précédent de ses feuilles. Refuse d'écraser \
        un fichier existant.
        """
    )

    @Argument(help: ArgumentHelp("Le classeur à écrire (.xlsx).", valueName: "FICHIER.xlsx"))
    var fichier: String

    @Option(help: ArgumentHelp("Dossier de l'espace de travail (facultatif : ses territoires et sa typologie remplissent les listes).", valueName: "DOSSIER"))
    var dossier: String?

    func validate() throws {
        guard fichier.lowercased().hasSuffix(".xlsx") else { throw ValidationError("Le fichier doit avoir l'extension .xlsx.") }
    }

    func run() throws {
        let url = URL(fileURLWithPath: fichier)
        if FileManager.default.fileExists(atPath: url.path) {
            throw ErreurObservatoire(.usage, "Le fichier « \(url.path) » existe déjà.", conseil: "Choisissez un autre nom : c360 ne remplace pas un tableur existant.")
        }
        let espace: EspaceDeTravail?
        if let dossier {
            espace = try EspaceDeTravail.ouvrir(URL(fileURLWithPath: dossier))
        } else {
            espace = try? EspaceDeTravail.trouver(depuis: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        }
        let configuration = espace?.configuration ?? Configuration(nom: "Communauté 360", departement: "62")
        try ModeleSuivi.ecrire(url, configuration: configuration)
        Sortie.ecrire("""
        Tableur de suivi écrit : \(url.path)
          feuilles : Mode d'emploi, \(ModeleSuivi.feuilles.map(\.1).joined(separator: ", "))\(espace == nil ? "" : " (listes de « \(configuration.nom) »)")
        Remplissez-le, puis : c360 importer \(url.lastPathComponent)   (ou déposez-le dans « a-traiter »)
        """)
    }
}

struct CommandeProfil: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profil",
        abstract: "Met au point un profil de correspondance.",
        subcommands: [CommandeProfilEssayer.self]
    )
}

struct CommandeProfilEssayer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "essayer",
        abstract: "Montre ce qu'un profil fait des premières lignes d'un fichier, table par table, avec leurs problèmes ; n'écrit rien.",
        discussion: """
        Pour chaque table nourrie : d'où vient chaque colonne du format, puis les premières lignes \
        après correspondance, chacune marquée ✓ (enregistrable), ! (enregistrable avec un \
        avertissement) ou ✗ (rejetée, avec le motif et où corriger). L'identifiant de la personne \
        n'est jamais affiché. Les références à d'autres fichiers (la sollicitation d'une \
        proposition, l'acteur) ne sont pas vérifiées ici.
        """
    )

    @OptionGroup var espace: OptionsEspace

    @Argument(help: ArgumentHelp("Le fichier à lire (.csv, .txt, .xlsx).", valueName: "FICHIER"))
    var fichier: String

    @Option(help: ArgumentHelp("Le profil : son nom dans le dossier profils/ de l'espace, ou le chemin d'un fichier .yml.", valueName: "P"))
    var profil: String

    @Option(help: ArgumentHelp("Nombre de lignes du fichier à lire (20 par défaut).", valueName: "N"))
    var lignes = 20

    func validate() throws {
        guard lignes > 0 && lignes <= 10_000 else { throw ValidationError("--lignes doit être entre 1 et 10 000.") }
    }

    func run() throws {
        let chemin = URL(fileURLWithPath: profil)
        let estUnFichier = ["yml", "yaml"].contains(chemin.pathExtension.lowercased()) && FileManager.default.fileExists(atPath: chemin.path)
        let espace = estUnFichier ? try? self.espace.espace() : try self.espace.espace()
        let p = estUnFichier ? try ProfilCorrespondance.charger(chemin) : try ProfilCorrespondance.trouver(profil, dans: espace!)
        let configuration = espace?.configuration ?? Configuration(nom: "Communauté 360", departement: "62")
        let url = URL(fileURLWithPath: fichier)
        let essai: EssaiProfil
        do {
            essai = try EssaiProfil.essayer(url, profil: p, lignes: lignes, configuration: configuration, aujourdhui: Jour.aujourdhui())
        } catch let e as FichierIllisible {
            throw e.erreur
        }
        var l: [String] = ["Essai du profil « \(p.nom) » sur « \(url.lastPathComponent) » (\(essai.lignesLues) premières lignes ; rien n'est enregistré)"]
        for t in essai.tables {
            l.append("")
            // Names and values come from the file: shown (the coordinator is checking their own
            // file), but each on one line, control characters made visible.
            l.append("■ \(t.table.libelle) — source « \(TexteSur.surUneLigne(t.source)) »\(t.feuille.isEmpty ? "" : ", feuille « \(TexteSur.surUneLigne(t.feuille)) »")")
            for (c, o) in t.origines { l.append("    \(c.padding(toLength: 24, withPad: " ", startingAt: 0)) ← \(TexteSur.surUneLigne(o))") }
            if t.lignes.isEmpty { l.append("    (aucune ligne)") }
            for ligne in t.lignes {
                if let r = ligne.rejet {
                    l.append("  ✗ ligne \(ligne.ligne) : \(r.regle.rawValue) — \(r.message)")
                    continue
                }
                let marque = ligne.avertissements.isEmpty ? "✓" : "!"
                let valeurs = ligne.valeurs.filter { !$0.valeur.isEmpty }.map { "\($0.colonne)=\(TexteSur.surUneLigne($0.valeur))" }.joined(separator: " · ")
                l.append("  \(marque) ligne \(ligne.ligne) : \(valeurs)")
                for a in ligne.avertissements { l.append("      avertissement : \(a.message)") }
            }
        }
        if !essai.lignesIgnorees.isEmpty {
            l.append("")
            l.append("Lignes écartées par les filtres du profil : \(essai.lignesIgnorees.map(String.init).joined(separator: ", ")).")
        }
        if !essai.colonnesIgnorees.isEmpty {
            var vus: Set<String> = []
            l.append("Colonnes du fichier que le profil ne lit pas (jamais enregistrées) : \(Masque.listeEntetes(essai.colonnesIgnorees.filter { vus.insert($0).inserted })).")
        }
        let rejets = essai.tables.flatMap(\.lignes).filter { $0.rejet != nil }.count
        l.append("")
        l.append(rejets == 0 ? "Aucun rejet sur ces lignes." : "\(Bilans.pluriel(rejets, "ligne serait rejetée", "lignes seraient rejetées")) : corrigez le profil ou le tableur selon le message, puis réessayez.")
        Sortie.ecrire(l.joined(separator: "\n"))
    }
}
