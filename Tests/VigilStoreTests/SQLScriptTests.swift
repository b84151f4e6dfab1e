import Testing
@testable import VigilStore

@Suite("SQL script splitting")
struct SQLScriptTests {
    @Test("plain statements split at semicolons; blanks and comment-only parts vanish")
    func plain() {
        let parts = SQLScript.statements("CREATE TABLE a (x int);\n-- only a comment\n;\n  SELECT 1 ;  ")
        #expect(parts == ["CREATE TABLE a (x int)", "SELECT 1"])
    }

    @Test("semicolons in quotes, identifiers, comments and dollar quotes do not split")
    func quoted() {
        let script = """
            COMMENT ON TABLE t IS 'a;b''c';
            SELECT "we;ird" FROM t; /* x; /* nested; */ y; */
            DO $$ BEGIN RAISE NOTICE 'x;y'; END $$;
            CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $body$ SELECT 1; $body$;
            SELECT E'it\\'s;';
            SELECT $1
            """
        let parts = SQLScript.statements(script)
        #expect(parts.count == 6)
        #expect(parts[0] == "COMMENT ON TABLE t IS 'a;b''c'")
        #expect(parts[2].hasSuffix("END $$"))
        #expect(parts[3].hasSuffix("$body$ SELECT 1; $body$"))
        #expect(parts[4] == "SELECT E'it\\'s;'")
        #expect(parts[5] == "SELECT $1")
    }

    @Test("the embedded migrations split into many statements each")
    func migrations() {
        for migration in MigrationCatalog.all {
            #expect(SQLScript.statements(migration.sql).count > 3, "\(migration)")
        }
    }
}
