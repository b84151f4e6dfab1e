import Foundation
import Testing
@testable import VigilStore

@Suite("Database settings and the config file")
struct ConfigurationTests {
    @Test("no database key, or 'embedded', means the embedded cluster")
    func embedded() throws {
        #expect(try StoreConfigFile.parse(yaml: "state_dir: /var/lib/vigil\n").database == .embedded)
        let config = try StoreConfigFile.parse(yaml: "database: embedded\nstate_dir: ../state\nlisteners: []\n", baseDirectory: "/srv/vigil/deploy")
        #expect(config.database.isEmbedded)
        #expect(config.stateDirectory == "/srv/vigil/state")
        #expect(try StoreConfigFile.parse(yaml: "rules: x\n", baseDirectory: "/srv/vigil/deploy").stateDirectory == "/srv/vigil/deploy/.vigil-state")
        let pinned = try StoreConfigFile.parse(yaml: "database:\n  embedded:\n    port: 55432\n")
        #expect(pinned.database.source == .embedded(.init(port: 55432)))
    }

    @Test("a URL with sslmode and a password file")
    func url() throws {
        let config = try StoreConfigFile.parse(yaml: """
            database:
              url: postgres://vigil_app@db.example.net:6432/soc?sslmode=require
              password_file: /etc/vigil/db-password
              max_connections: 12
            """)
        guard case .server(let s) = config.database.source else { Issue.record("expected a server"); return }
        #expect(s.host == "db.example.net" && s.port == 6432 && s.user == "vigil_app" && s.database == "soc")
        #expect(s.tls == .require)
        #expect(s.passwordFile == "/etc/vigil/db-password")
        #expect(config.database.maxConnections == 12)
    }

    @Test("separate fields, password from the environment")
    func fields() throws {
        let config = try StoreConfigFile.parse(yaml: """
            database:
              host: 10.0.0.5
              user: vigil
              database: vigil
              password_env: VIGIL_DB_PASSWORD
              tls: disable
            """)
        guard case .server(let s) = config.database.source else { Issue.record("expected a server"); return }
        #expect(try s.resolvePassword(environment: ["VIGIL_DB_PASSWORD": "s3cret"]) == "s3cret")
        #expect(throws: DatabaseSettingsError.self) { try s.resolvePassword(environment: [:]) }
        #expect(s.port == 5432 && s.tls == .disable)
    }

    @Test("the password never appears in descriptions, debug output or dumps")
    func secrets() throws {
        let config = try StoreConfigFile.parse(yaml: "database:\n  url: postgres://vigil:hunter2@db:5432/vigil\n")
        guard case .server(let s) = config.database.source else { Issue.record("expected a server"); return }
        #expect(try s.resolvePassword() == "hunter2")
        var dumped = ""
        dump(config.database, to: &dumped)
        for text in [config.database.description, String(reflecting: config.database), "\(config)", String(reflecting: config), "\(s)", dumped] {
            #expect(!text.contains("hunter2"), "\(text)")
        }
        #expect(config.database.description == "postgres://vigil@db:5432/vigil (tls prefer, password inline)")
    }

    @Test("mistakes point at file:line:col", arguments: [
        ("database: sqlite\n", "cfg.yml:1:11: database: database must be 'embedded' or an object with url or host (got 'sqlite')"),
        ("database:\n  host: db\n  tls: maybe\n", "cfg.yml:3:8: database.tls: tls must be disable, prefer or require (got 'maybe')"),
        ("database:\n  hots: db\n", "cfg.yml:2:9: database.hots: unknown key"),
        ("database:\n  url: mysql://x/y\n", "cfg.yml:2:8: database.url: url must look like"),
        ("state_dir: [a]\n", "cfg.yml:1:12: state_dir must be a path"),
        ("database: {\n", "cfg.yml:2:1:"),
    ])
    func errors(yaml: String, expected: String) {
        do {
            _ = try StoreConfigFile.parse(yaml: yaml, file: "cfg.yml")
            Issue.record("expected an error for \(yaml)")
        } catch {
            #expect(error.description.hasPrefix(expected), "\(error.description)")
        }
    }

    @Test("sink settings decode sizes with units and refuse nonsense")
    func sinkSettings() throws {
        let decoded = try JSONDecoder().decode(IncidentSinkSettings.self, from: Data(#"{"spool_max_bytes": "2GiB", "evidence_cap": 5}"#.utf8))
        #expect(decoded.spoolMaxBytes == 2 << 30)
        #expect(decoded.evidenceCap == 5)
        #expect(decoded.spoolAlarmBytes == (2 << 30) / 100 * 80)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(IncidentSinkSettings.self, from: Data(#"{"batch_size": 0}"#.utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(IncidentSinkSettings.self, from: Data(#"{"batch_sise": 10}"#.utf8)) }
    }
}
