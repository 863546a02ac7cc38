import Foundation

/// A workspace: a folder holding `observatoire.yml`, the database, the key, the inbox, the
/// archives and the reports (`spec/cli.md`, *Workspace*).
///
/// ```swift
/// let espace = try EspaceDeTravail.trouver(depuis: URL(fileURLWithPath: "."))
/// espace.baseDeDonnees   // …/donnees/observatoire.sqlite
/// ```
public struct EspaceDeTravail: Sendable {
    public let racine: URL
    public let configuration: Configuration

    public init(racine: URL, configuration: Configuration) {
        self.racine = racine.standardizedFileURL
        self.configuration = configuration
    }

    /// A path of the configuration, resolved against the workspace when relative.
    public func url(_ chemin: String, dossier: Bool = false) -> URL {
        if chemin.hasPrefix("/") { return URL(fileURLWithPath: chemin, isDirectory: dossier).standardizedFileURL }
        return racine.appendingPathComponent(chemin, isDirectory: dossier).standardizedFileURL
    }

    public var fichierConfiguration: URL { racine.appendingPathComponent(Configuration.nomDeFichier) }
    public var baseDeDonnees: URL { url(configuration.chemins.baseDeDonnees) }
    public var fichierCle: URL { url(configuration.chemins.cle) }
    public var dossierATraiter: URL { url(configuration.chemins.aTraiter, dossier: true) }
    public var dossierArchives: URL { url(configuration.chemins.archives, dossier: true) }
    public var dossierErreurs: URL { url(configuration.chemins.erreurs, dossier: true) }
    public var dossierRapports: URL { url(configuration.chemins.rapports, dossier: true) }
    public var dossierJournaux: URL { url(configuration.chemins.journaux, dossier: true) }
    public var dossierProfils: URL { url(configuration.chemins.profils, dossier: true) }
    public var dossierModeles: URL { url(configuration.chemins.modeles, dossier: true) }
    public var fichierRecit: URL { url(configuration.chemins.recit) }
    public var fichierVerrou: URL { racine.appendingPathComponent(".verrou") }

    // MARK: - History

    /// A sign that this workspace has already held a database with data, or nil when it has
    /// none: the path of the first sign found. A database that is missing or empty (0 bytes)
    /// while such a sign exists has been lost, and must be restored rather than recreated empty
    /// (which would rewrite every report with empty figures).
    ///
    /// The signs, cheap to look for (a few directory reads, stopping at the first entry), and
    /// each written only once a database existed:
    /// - a file in `archives/` (or in one of its month folders): inbox files are archived only
    ///   after their import committed;
    /// - `rapports/.etat-des-rapports`: written by `executer` after reports computed from the base;
    /// - a report, dashboard or list of rows to fix in `rapports/`: `rapport`, `tableau-de-bord`,
    ///   `rejets` and `executer` write them only from an existing database.
    ///
    /// Not signs: `journaux/` (`executer` and `importer` write their log before opening the
    /// database, so a first run that stopped early leaves one), `erreurs/` (a first run may set
    /// every file aside), the key (made by `init`). Hidden entries (`.DS_Store`, temporary files)
    /// are ignored, except the state file above.
    public func traceDHistorique() -> URL? {
        let etat = dossierRapports.appendingPathComponent(".etat-des-rapports")
        if FichierSur.existe(etat.path) == true { return etat }
        if let r = EspaceDeTravail.premiereEntreeVisible(dossierRapports) { return r }
        guard let mois = EspaceDeTravail.entreesVisibles(dossierArchives, maximum: 1_000) else { return nil }
        for m in mois {
            var s = stat()
            guard lstat(m.path, &s) == 0 else { continue }
            if s.st_mode & S_IFMT != S_IFDIR { return m }
            if let f = EspaceDeTravail.premiereEntreeVisible(m) { return f }
        }
        return nil
    }

    static func premiereEntreeVisible(_ dossier: URL) -> URL? {
        entreesVisibles(dossier, maximum: 1)?.first
    }

    /// Up to `maximum` entries of a folder whose name does not start with a dot; nil when the
    /// folder cannot be read (missing: no history there).
    static func entreesVisibles(_ dossier: URL, maximum: Int) -> [URL]? {
        guard let d = opendir(dossier.path) else { return nil }
        defer { closedir(d) }
        var trouvees: [URL] = []
        while trouvees.count < maximum, let e = readdir(d) {
            let nom = withUnsafeBytes(of: e.pointee.d_name) { brut in
                String(decoding: brut.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if nom.hasPrefix(".") { continue }
            trouvees.append(dossier.appendingPathComponent(nom))
        }
        return trouvees
    }

    // MARK: - Finding and opening

    /// Finds the workspace from `dossier` upwards, as git or dbt do.
    public static func trouver(depuis dossier: URL) throws -> EspaceDeTravail {
        var courant = dossier.standardizedFileURL
        while true {
            switch FichierSur.existe(courant.appendingPathComponent(Configuration.nomDeFichier).path) {
            case true?: return try ouvrir(courant)
            case nil: throw droitsInsuffisants(courant)
            case false?: break
            }
            let parent = courant.deletingLastPathComponent()
            if parent.path == courant.path || courant.path == "/" { break }
            courant = parent
        }
        throw ErreurObservatoire(.usage,
            "Aucun espace de travail (fichier \(Configuration.nomDeFichier)) dans « \(dossier.path) » ni dans ses dossiers parents.",
            conseil: "Placez-vous dans le dossier de votre Communauté 360, indiquez-le avec --dossier DOSSIER, ou créez-en un avec « c360 init DOSSIER ».")
    }

    /// Opens the workspace whose root is `racine`.
    public static func ouvrir(_ racine: URL) throws -> EspaceDeTravail {
        let fichier = racine.appendingPathComponent(Configuration.nomDeFichier)
        let existe = FichierSur.existe(fichier.path)
        if existe == nil { throw droitsInsuffisants(racine) }
        guard existe == true else {
            throw ErreurObservatoire(.usage,
                "« \(racine.path) » n'est pas un espace de travail : le fichier \(Configuration.nomDeFichier) est absent.",
                conseil: "Créez l'espace avec « c360 init \(racine.path) » ou indiquez le bon dossier avec --dossier.")
        }
        let config = try Configuration.charger(depuis: fichier)
        try verifierChemins(config.chemins, fichier: fichier.path)
        return EspaceDeTravail(racine: racine, configuration: config)
    }

    /// A workspace the running account may not enter: said as such, not as a missing file.
    static func droitsInsuffisants(_ dossier: URL) -> ErreurObservatoire {
        ErreurObservatoire(.usage,
            "Le dossier « \(dossier.path) » n'est pas accessible au compte « \(MessageSysteme.compte) » (droits insuffisants) : la configuration \(Configuration.nomDeFichier) ne peut pas être lue.",
            conseil: "Lancez c360 avec le compte propriétaire de l'espace de travail (voir SECURITE.md, « Droits »), ou donnez à ce compte l'accès au dossier.")
    }

    /// Configured paths may be absolute (a data folder elsewhere), but a relative path may not
    /// climb out of the workspace with `..`.
    static func verifierChemins(_ chemins: Chemins, fichier: String) throws {
        let tous = [("base_de_donnees", chemins.baseDeDonnees), ("cle_pseudonymisation", chemins.cle),
                    ("a_traiter", chemins.aTraiter), ("archives", chemins.archives), ("erreurs", chemins.erreurs),
                    ("rapports", chemins.rapports), ("journaux", chemins.journaux), ("recit", chemins.recit),
                    ("profils", chemins.profils), ("modeles", chemins.modeles)]
        for (cle, chemin) in tous where chemin.split(separator: "/").contains("..") {
            throw ErreurObservatoire(.usage,
                "Configuration invalide — \(fichier) (clé « chemins.\(cle) ») : le chemin « \(chemin) » contient « .. ».",
                conseil: "Indiquez un chemin dans l'espace de travail (par exemple « rapports ») ou un chemin absolu (« /srv/c360/rapports »).")
        }
    }

    // MARK: - Creating

    /// Creates a workspace (`c360 init`): configuration, folders, narrative template and key.
    /// Refuses to overwrite an existing workspace.
    @discardableResult
    public static func creer(dans dossier: URL, nom: String, departement: String,
                             territoires: [String] = []) throws -> EspaceDeTravail {
        let fm = FileManager.default
        let fichier = dossier.appendingPathComponent(Configuration.nomDeFichier)
        if FichierSur.existe(fichier.path) != false {
            throw ErreurObservatoire(.usage, "Un espace de travail existe déjà dans « \(dossier.path) ».",
                                     conseil: "Choisissez un autre dossier, ou utilisez celui-ci tel quel (rien n'a été modifié).")
        }
        let nomPropre = Normalisation.texte(nom)
        guard !nomPropre.isEmpty else {
            throw ErreurObservatoire(.usage, "Le nom de la Communauté 360 est vide.", conseil: "Indiquez-le avec --nom \"Communauté 360 de …\".")
        }
        let dep = departement.uppercased()
        guard Configuration.estCodeDepartement(dep) else {
            throw ErreurObservatoire(.usage, "« \(departement) » n'est pas un code de département.",
                                     conseil: "Indiquez le code INSEE avec --departement, par exemple 62, 2A ou 971.")
        }
        let config = Configuration(nom: nomPropre, departement: dep, territoires: territoires)
        let espace = EspaceDeTravail(racine: dossier, configuration: config)
        do {
            try fm.createDirectory(at: dossier, withIntermediateDirectories: true)
            for d in [espace.baseDeDonnees.deletingLastPathComponent(), espace.dossierATraiter, espace.dossierArchives,
                      espace.dossierErreurs, espace.dossierRapports, espace.dossierJournaux, espace.dossierProfils] {
                try fm.createDirectory(at: d, withIntermediateDirectories: true)
            }
            try ModelesEspace.configuration(config).write(to: fichier, atomically: true, encoding: .utf8)
            if !fm.fileExists(atPath: espace.fichierRecit.path) {
                try ModelesEspace.recit(nom: nomPropre).write(to: espace.fichierRecit, atomically: true, encoding: .utf8)
            }
        } catch {
            throw ErreurObservatoire.ecriture(dossier.path, erreur: error)
        }
        _ = try ClePseudonymisation.creer(espace.fichierCle)
        return espace
    }
}

/// The texts `c360 init` writes: the commented configuration and the narrative template.
public enum ModelesEspace {
    static func yamlChaine(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    public static func configuration(_ c: Configuration) -> String {
        let territoires = c.territoires.isEmpty
            ? "territoires: []\n# Exemple (Pas-de-Calais) :\n# territoires:\n#   - Arrageois\n#   - Audomarois\n#   - Montreuillois\n#   - Ternois"
            : "territoires:\n" + c.territoires.map { "  - " + yamlChaine($0) }.joined(separator: "\n")
        let typologie = c.typologie.map { "  - \($0)" }.joined(separator: "\n")
        let cibles = c.cibles.keys.sorted().map { code -> String in
            let cible = c.cibles[code]!
            let v = cible.valeur == cible.valeur.rounded() ? String(Int(cible.valeur)) : String(cible.valeur)
            return "  \"\(code)\": { valeur: \(v), sens: \"\(cible.sens.rawValue)\" }"
        }.joined(separator: "\n")
        return """
        # Observatoire 360 — configuration de l'espace de travail
        # Ce fichier est lu à chaque commande « c360 ». Les lignes commençant par « # » sont des
        # commentaires. Après une modification, lancez par exemple « c360 indicateurs --annee 2025 »
        # pour vérifier que la configuration est valide.

        # La Communauté 360 : son nom (repris dans les rapports) et son département (code INSEE).
        c360:
          nom: \(yamlChaine(c.nom))
          departement: \(yamlChaine(c.departement))

        # Territoires infra-départementaux. Liste vide : tout nom de territoire est accepté.
        # Dès qu'une liste est donnée, une sollicitation d'un autre territoire est rejetée à l'import.
        \(territoires)

        # Typologie des problématiques (indicateur 1.3). Le cahier des charges la laisse à un groupe
        # de travail : adaptez-la si votre C360 en a adopté une autre (codes en minuscules, sans espace).
        typologie_problematiques:
        \(typologie)

        # Cibles de la feuille de route, par code d'indicateur (de "1.1" à "5.1").
        # « valeur » est un nombre (un pourcentage pour les taux : 70 = 70 %, des jours pour 1.7) ;
        # « sens » vaut ">=" (au moins) ou "<=" (au plus). Pour un indicateur avec un taux, c'est
        # le taux qui est comparé à la cible ; sinon c'est la valeur.
        cibles:
        \(cibles)

        # Secret statistique : dans les rapports en diffusion « externe », les effectifs de 1 à
        # (seuil − 1) sont masqués (affichés « < 5 » pour un seuil de 5), ainsi que les taux qui
        # en découlent et une seconde case quand la première pourrait être retrouvée par différence.
        confidentialite:
          seuil: \(c.seuilPetitsEffectifs)

        # Emplacements des fichiers. Un chemin relatif part du dossier de ce fichier ; un chemin
        # absolu (« /srv/c360/donnees/observatoire.sqlite ») est aussi accepté.
        chemins:
          base_de_donnees: \(c.chemins.baseDeDonnees)
          cle_pseudonymisation: \(c.chemins.cle)   # à sauvegarder à part : sans elle, plus d'import possible
          a_traiter: \(c.chemins.aTraiter)          # déposez ici les exports du mois
          archives: \(c.chemins.archives)            # fichiers déjà importés, rangés par mois
          erreurs: \(c.chemins.erreurs)              # fichiers illisibles, avec un .txt qui explique pourquoi
          rapports: \(c.chemins.rapports)            # rapports annuels et tableau de bord
          journaux: \(c.chemins.journaux)            # un journal par exécution
          recit: \(c.chemins.recit)                # le récit de l'année (faits marquants, freins…)
          profils: \(c.chemins.profils)              # profils de correspondance des exports non canoniques
          modeles: \(c.chemins.modeles)              # (facultatif) gabarits et styles des rapports à votre image

        """
    }

    public static func recit(nom: String) -> String {
        """
        # Récit de l'année — \(nom)

        <!-- Ce texte est repris dans le rapport annuel d'activité. Écrivez sous chaque titre ;
             la mise en forme Markdown est acceptée (listes, gras, liens). -->

        ## Faits marquants

        _À compléter : les événements de l'année (ouverture d'un territoire, nouvelles conventions…)._

        ## Solutions innovantes

        _À compléter : les solutions construites avec les partenaires, ce qu'elles ont permis._

        ## Freins et difficultés

        _À compléter : les obstacles rencontrés (offre manquante, délais, coordination…)._

        ## Perspectives

        _À compléter : les priorités de l'année suivante._

        """
    }
}
