import Foundation

/// The program's version: part of the reports' state (a new version rewrites them) and written
/// in the indicator exchange files (`outil.version`), so that a consolidator knows what made them.
public enum Version {
    public static let courante = "0.1.0"
    /// The program's name, as exchange files name it.
    public static let outil = "c360"
}
