/// Every migration embedded in the binary, in version order.
///
/// SwiftPM's `.embedInCode("Migrations")` embeds each file of `Sources/VigilStore/Migrations/` as a
/// `PackageResources._NNN_name_sql` byte array (the leading digit becomes `_`) but gives no way to enumerate
/// them, so each file is listed here once. `MigrationCatalogTests` fails when a `NNNN_name.sql` file in the
/// directory is missing from this list (or listed twice), so a new migration cannot be forgotten.
/// Versions 0001–0049 belong to the store, 0050 and up to the on-call engine.
public enum MigrationCatalog {
    static let files: [(name: String, bytes: [UInt8])] = [
        ("0001_schema.sql", PackageResources._001_schema_sql),
        ("0002_views.sql", PackageResources._002_views_sql),
        ("0003_security.sql", PackageResources._003_security_sql),
        ("0004_sink_throughput.sql", PackageResources._004_sink_throughput_sql),
        // On-call migrations (0050+) are added below by their owner.
        ("0050_oncall_config.sql", PackageResources._050_oncall_config_sql),
        ("0051_oncall_paging.sql", PackageResources._051_oncall_paging_sql),
        ("0052_oncall_security.sql", PackageResources._052_oncall_security_sql),
    ]

    /// The embedded migrations, sorted by version.
    public static let all: [Migration] = files
        .map { Migration(fileName: $0.name, bytes: $0.bytes)! }
        .sorted { $0.version < $1.version }

    /// The file names listed, for the completeness test.
    public static var fileNames: [String] { files.map(\.name) }

    /// The newest schema version this binary knows.
    public static var latestVersion: Int { all.last?.version ?? 0 }
}
