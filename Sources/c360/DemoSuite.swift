import Foundation
import ObservatoireCore

/// What `c360 demo` does after the import (indicators, reports).
enum DemoSuite {
    static func apresImport(espace: EspaceDeTravail, annee: Int) throws {}
}
