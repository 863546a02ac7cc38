import Foundation
import ObservatoireCore

/// The PDF of a report, printed from its HTML page by headless Chromium (Debian's `chromium`):
/// the same page, its print styles (A4, page headers with the C360 and the diffusion, page
/// numbers, headings kept with what follows), tagged for screen readers, with an outline.
/// Chromium is the only engine at hand that prints this CSS (margin boxes, break rules, SVG)
/// faithfully and writes a tagged PDF; writing PDF by hand would lose all of it.
///
/// The browser is `$C360_CHROMIUM` when set, else `chromium` (or `chromium-browser`,
/// `google-chrome`) on the PATH. Missing, it is a French error with exit code 73 (the output
/// cannot be written) saying how to install it.
public enum ImpressionPDF {
    static let candidats = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]

    /// The browser to print with, or nil when none is installed.
    public static func navigateur(environnement: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let choisi = environnement["C360_CHROMIUM"] {
            return FileManager.default.isExecutableFile(atPath: choisi) ? choisi : nil
        }
        let chemins = (environnement["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
        for nom in candidats {
            for d in chemins {
                let p = (d as NSString).appendingPathComponent(nom)
                if FileManager.default.isExecutableFile(atPath: p) { return p }
            }
        }
        return nil
    }

    static func absent(_ url: URL) -> ErreurObservatoire {
        ErreurObservatoire(.ecritureImpossible,
                           "Le PDF « \(url.lastPathComponent) » ne peut pas être produit : le navigateur Chromium, qui l'imprime à partir de la page HTML, n'est pas installé.",
                           conseil: "Installez-le avec « sudo apt-get install chromium » (ou « make chromium » dans le dossier du projet), puis relancez. En attendant, demandez le format html et imprimez la page en PDF depuis votre navigateur.")
    }

    /// Prints `html` to the PDF `url` (written whole or not at all).
    public static func imprimer(html: String, vers url: URL, delaiMaximal: TimeInterval = 180) throws {
        guard let navigateur = navigateur() else { throw absent(url) }
        let fm = FileManager.default
        let travail = fm.temporaryDirectory.appendingPathComponent("c360-pdf-\(UUID().uuidString)", isDirectory: true)
        try? fm.createDirectory(at: travail, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? fm.removeItem(at: travail) }
        let page = travail.appendingPathComponent("page.html")
        let pdf = travail.appendingPathComponent("page.pdf")
        do {
            try Data(html.utf8).write(to: page)
        } catch {
            throw ErreurObservatoire.ecriture(page.path, erreur: error)
        }
        var arguments = [
            "--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-default-apps",
            "--disable-dev-shm-usage", "--user-data-dir=" + travail.appendingPathComponent("profil").path,
            "--no-pdf-header-footer", "--export-tagged-pdf", "--generate-pdf-document-outline",
            "--print-to-pdf=" + pdf.path, page.absoluteString,
        ]
        // Chromium refuses to start as root with its sandbox (a CI container, a root cron job).
        if geteuid() == 0 { arguments.insert("--no-sandbox", at: 0) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: navigateur)
        p.arguments = arguments
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        p.currentDirectoryURL = travail
        do {
            try p.run()
        } catch {
            throw absent(url)
        }
        let fin = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            p.waitUntilExit()
            fin.signal()
        }
        if fin.wait(timeout: .now() + delaiMaximal) == .timedOut {
            p.terminate()
            _ = fin.wait(timeout: .now() + 5)
            throw ErreurObservatoire(.ecritureImpossible, "Le PDF « \(url.lastPathComponent) » n'a pas pu être produit : Chromium n'a pas fini d'imprimer la page.",
                                     conseil: "Relancez ; si cela se reproduit, demandez le format html et imprimez-le depuis votre navigateur.")
        }
        guard p.terminationStatus == 0, let debut = try? FileHandle(forReadingFrom: pdf).readData(ofLength: 5),
              debut == Data("%PDF-".utf8) else {
            throw ErreurObservatoire(.ecritureImpossible, "Le PDF « \(url.lastPathComponent) » n'a pas pu être produit : Chromium a échoué (code \(p.terminationStatus)).",
                                     conseil: "Vérifiez que Chromium démarre (« chromium --headless --version »), puis relancez.")
        }
        // Into place by a rename in the destination folder: never a half-written PDF there.
        let temporaire = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        do {
            try? fm.removeItem(at: temporaire)
            try fm.copyItem(at: pdf, to: temporaire)
            if rename(temporaire.path, url.path) != 0 { throw NSError(domain: NSPOSIXErrorDomain, code: Int(errno)) }
        } catch {
            try? fm.removeItem(at: temporaire)
            throw ErreurObservatoire.ecriture(url.path, erreur: error)
        }
    }
}
