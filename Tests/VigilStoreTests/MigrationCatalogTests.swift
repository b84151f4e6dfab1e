import Foundation
import Testing
@testable import VigilStore

@Suite("Migration catalog")
struct MigrationCatalogTests {
    static var directory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/VigilStore/Migrations").path
    }

    @Test("every NNNN_name.sql in Sources/VigilStore/Migrations is embedded and listed, once, in order")
    func complete() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(!files.isEmpty)
        #expect(MigrationCatalog.fileNames.sorted() == files, "add new migration files to MigrationCatalog.files")
        for file in files {
            let onDisk = try String(contentsOfFile: Self.directory + "/" + file, encoding: .utf8)
            let migration = try #require(MigrationCatalog.all.first { $0.description + ".sql" == file }, "\(file) does not follow NNNN_name.sql")
            #expect(migration.sql == onDisk, "\(file): the embedded copy differs from the file")
        }
        let versions = MigrationCatalog.all.map(\.version)
        #expect(versions == versions.sorted())
        #expect(Set(versions).count == versions.count, "two migrations share a version")
    }

    @Test("file names parse into version and name")
    func names() {
        let m = Migration(fileName: "0050_oncall.sql", bytes: Array("SELECT 1".utf8))
        #expect(m?.version == 50)
        #expect(m?.name == "oncall")
        #expect(m?.description == "0050_oncall")
        #expect(Migration(fileName: "50_oncall.sql", bytes: []) == nil)
        #expect(Migration(fileName: "0050_oncall.txt", bytes: []) == nil)
    }
}
