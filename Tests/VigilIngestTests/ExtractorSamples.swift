import Testing
import VigilEvents

/// One real log line per extractor pattern, with the fields it must yield.
struct ExtractorSample: Sendable, CustomTestStringConvertible {
    var program: String
    var message: String
    var extractor: String
    var fields: [String: FieldValue]

    var testDescription: String { "\(program): \(message.prefix(70))" }

    init(_ program: String, _ message: String, _ extractor: String, _ fields: [String: FieldValue]) {
        self.program = program
        self.message = message
        self.extractor = extractor
        self.fields = fields
    }

    static let ip = "203.0.113.7"

    static let all: [ExtractorSample] = sshd + sudo + su + pam + accounts + cron + auditd + kernel

    static let sshd: [ExtractorSample] = [
        .init("sshd", "Accepted publickey for alice from 198.51.100.4 port 50022 ssh2: ED25519 SHA256:Xv2Lh0cWlbmOjUaB9tHzKcm5F5mKzvG3eYlKcD3c4Qk", "sshd",
              ["user.name": "alice", "source.ip": "198.51.100.4", "source.port": 50022, "event.action": "ssh_login", "event.outcome": "success",
               "system.auth.ssh.method": "publickey", "system.auth.ssh.signature": "SHA256:Xv2Lh0cWlbmOjUaB9tHzKcm5F5mKzvG3eYlKcD3c4Qk"]),
        .init("sshd", "Accepted password for alice from 203.0.113.8 port 52311 ssh2", "sshd",
              ["user.name": "alice", "source.ip": "203.0.113.8", "source.port": 52311, "event.outcome": "success", "system.auth.ssh.method": "password"]),
        .init("sshd-session", "Accepted keyboard-interactive/pam for alice from 2001:db8::8 port 52311 ssh2", "sshd",
              ["user.name": "alice", "source.ip": "2001:db8::8", "system.auth.ssh.method": "keyboard-interactive/pam", "event.outcome": "success"]),
        .init("sshd", "Failed password for invalid user admin from \(ip) port 4242 ssh2", "sshd",
              ["user.name": "admin", "source.ip": .string(ip), "source.port": 4242, "event.outcome": "failure", "event.reason": "invalid user"]),
        .init("sshd", "Failed password for root from \(ip) port 4242 ssh2", "sshd",
              ["user.name": "root", "source.ip": .string(ip), "source.port": 4242, "event.action": "ssh_login", "event.outcome": "failure",
               "event.category": "authentication"]),
        .init("sshd", "Failed publickey for root from \(ip) port 4242 ssh2: RSA SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "sshd",
              ["user.name": "root", "system.auth.ssh.method": "publickey", "event.outcome": "failure"]),
        .init("sshd", "Invalid user admin from \(ip) port 4242", "sshd",
              ["user.name": "admin", "source.ip": .string(ip), "source.port": 4242, "event.action": "ssh_invalid_user", "event.outcome": "failure"]),
        .init("sshd", "Invalid user oracle from \(ip)", "sshd", ["user.name": "oracle", "source.ip": .string(ip), "event.action": "ssh_invalid_user"]),
        .init("sshd", "User root from \(ip) not allowed because not listed in AllowUsers", "sshd",
              ["user.name": "root", "source.ip": .string(ip), "event.reason": "not listed in AllowUsers", "event.outcome": "failure"]),
        .init("sshd", "ROOT LOGIN REFUSED FROM \(ip) port 4242", "sshd",
              ["user.name": "root", "source.ip": .string(ip), "event.action": "ssh_login_refused"]),
        .init("sshd", "error: maximum authentication attempts exceeded for invalid user admin from \(ip) port 4242 ssh2 [preauth]", "sshd",
              ["user.name": "admin", "source.port": 4242, "event.action": "ssh_max_auth_attempts", "event.reason": "invalid user"]),
        .init("sshd", "error: maximum authentication attempts exceeded for root from \(ip) port 4242 ssh2 [preauth]", "sshd",
              ["user.name": "root", "source.ip": .string(ip), "event.action": "ssh_max_auth_attempts", "event.outcome": "failure"]),
        .init("sshd", "Disconnecting authenticating user root \(ip) port 4242: Too many authentication failures [preauth]", "sshd",
              ["user.name": "root", "source.ip": .string(ip), "event.reason": "Too many authentication failures", "event.outcome": "failure"]),
        .init("sshd", "Disconnecting invalid user admin \(ip) port 4242: Too many authentication failures [preauth]", "sshd",
              ["user.name": "admin", "source.port": 4242, "event.action": "ssh_disconnect"]),
        .init("sshd", "PAM 2 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=\(ip)  user=root", "sshd",
              ["user.name": "root", "source.ip": .string(ip), "event.outcome": "failure"]),
        .init("sshd", "Received disconnect from \(ip) port 4242:11: Bye Bye [preauth]", "sshd",
              ["source.ip": .string(ip), "source.port": 4242, "event.reason": "Bye Bye", "event.action": "ssh_disconnect"]),
        .init("sshd", "Received disconnect from 203.0.113.8 port 52311:11: disconnected by user", "sshd",
              ["source.ip": "203.0.113.8", "event.reason": "disconnected by user"]),
        .init("sshd", "Disconnected from user alice 203.0.113.8 port 52311", "sshd",
              ["user.name": "alice", "source.ip": "203.0.113.8", "source.port": 52311, "event.action": "ssh_disconnect"]),
        .init("sshd", "Disconnected from authenticating user root \(ip) port 4242 [preauth]", "sshd",
              ["user.name": "root", "source.ip": .string(ip), "event.action": "ssh_disconnect"]),
        .init("sshd", "Disconnected from invalid user admin \(ip) port 4242 [preauth]", "sshd",
              ["user.name": "admin", "event.reason": "invalid user"]),
        .init("sshd", "Disconnected from \(ip) port 4242 [preauth]", "sshd", ["source.ip": .string(ip), "source.port": 4242]),
        .init("sshd", "Connection closed by authenticating user root \(ip) port 4242 [preauth]", "sshd",
              ["user.name": "root", "source.ip": .string(ip), "event.action": "ssh_connection_closed"]),
        .init("sshd", "Connection closed by invalid user admin \(ip) port 4242 [preauth]", "sshd",
              ["user.name": "admin", "event.reason": "invalid user", "event.action": "ssh_connection_closed"]),
        .init("sshd", "Connection closed by \(ip) port 4242 [preauth]", "sshd",
              ["source.ip": .string(ip), "source.port": 4242, "event.action": "ssh_connection_closed"]),
        .init("sshd", "Connection reset by authenticating user root \(ip) port 4242 [preauth]", "sshd",
              ["user.name": "root", "event.action": "ssh_connection_reset"]),
        .init("sshd", "Connection reset by \(ip) port 4242 [preauth]", "sshd", ["source.ip": .string(ip), "event.action": "ssh_connection_reset"]),
        .init("sshd", #"Connection from \#(ip) port 4242 on 10.0.0.5 port 22 rdomain """#, "sshd",
              ["source.ip": .string(ip), "source.port": 4242, "destination.ip": "10.0.0.5", "destination.port": 22]),
        .init("sshd", "Did not receive identification string from \(ip) port 4242", "sshd",
              ["source.ip": .string(ip), "source.port": 4242, "event.action": "ssh_no_identification"]),
        .init("sshd", "Did not receive identification string from \(ip)", "sshd", ["source.ip": .string(ip)]),
        .init("sshd", "banner exchange: Connection from \(ip) port 4242: invalid format", "sshd",
              ["source.ip": .string(ip), "event.reason": "invalid format", "event.action": "ssh_bad_banner"]),
        .init("sshd", "Unable to negotiate with \(ip) port 4242: no matching key exchange method found. Their offer: diffie-hellman-group1-sha1 [preauth]", "sshd",
              ["source.ip": .string(ip), "event.reason": "no matching key exchange method found", "event.action": "ssh_negotiation_failed"]),
        .init("sshd", "fatal: Timeout before authentication for \(ip) port 4242", "sshd",
              ["source.ip": .string(ip), "source.port": 4242, "event.action": "ssh_timeout"]),
        .init("sshd", "Timeout before authentication for connection from \(ip) to 10.0.0.5, pid = 1234", "sshd",
              ["source.ip": .string(ip), "destination.ip": "10.0.0.5", "event.action": "ssh_timeout"]),
    ]

    static let sudo: [ExtractorSample] = [
        .init("sudo", "alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx", "sudo",
              ["user.name": "alice", "user.target.name": "root", "user.effective.name": "root", "process.working_directory": "/home/alice",
               "process.command_line": "/usr/bin/systemctl restart nginx", "event.action": "sudo_command", "event.outcome": "success",
               "event.category": "process"]),
        .init("sudo", "alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; GROUP=wheel ; ENV=LANG=C ; COMMAND=/bin/ls -la /root", "sudo",
              ["user.name": "alice", "user.target.name": "root", "process.command_line": "/bin/ls -la /root", "event.outcome": "success"]),
        .init("sudo", "root : PWD=/ ; USER=alice ; COMMAND=/usr/bin/id", "sudo",
              ["user.name": "root", "user.target.name": "alice", "process.command_line": "/usr/bin/id"]),
        .init("sudo", "alice : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/cat /etc/shadow", "sudo",
              ["user.name": "alice", "user.target.name": "root", "event.outcome": "failure", "event.reason": "3 incorrect password attempts",
               "process.command_line": "/usr/bin/cat /etc/shadow"]),
        .init("sudo", "mallory : command not allowed ; TTY=pts/1 ; PWD=/tmp ; USER=root ; ENV=PATH=/tmp ; COMMAND=/bin/sh", "sudo",
              ["user.name": "mallory", "event.reason": "command not allowed", "event.outcome": "failure"]),
        .init("sudo", "pam_unix(sudo:session): session opened for user root(uid=0) by alice(uid=1000)", "sudo",
              ["user.name": "alice", "user.id": 1000, "user.target.name": "root", "user.target.id": 0, "event.action": "session_opened"]),
        .init("sudo", "pam_unix(sudo:session): session opened for user root by alice(uid=1000)", "sudo",
              ["user.name": "alice", "user.target.name": "root"]),
        .init("sudo", "pam_unix(sudo:session): session closed for user root", "sudo", ["user.target.name": "root", "event.action": "session_closed"]),
        .init("sudo", "pam_unix(sudo:auth): authentication failure; logname=alice uid=1000 euid=0 tty=/dev/pts/0 ruser=alice rhost=  user=alice", "sudo",
              ["user.name": "alice", "user.target.name": "alice", "event.outcome": "failure", "event.action": "sudo_authentication"]),
        .init("sudo", "pam_unix(sudo:auth): auth could not identify password for [alice]", "sudo", ["user.name": "alice", "event.outcome": "failure"]),
        .init("sudo", "pam_unix(sudo:auth): conversation failed", "sudo", ["event.outcome": "failure"]),
    ]

    static let su: [ExtractorSample] = [
        .init("su", "(to root) alice on pts/0", "su", ["user.name": "alice", "user.target.name": "root", "event.outcome": "success", "event.action": "su"]),
        .init("su", "FAILED SU (to root) alice on pts/0", "su", ["user.name": "alice", "user.target.name": "root", "event.outcome": "failure"]),
        .init("su", "pam_authenticate: Authentication failure", "su", ["event.reason": "Authentication failure", "event.outcome": "failure"]),
        .init("su", "Successful su for root by alice", "su", ["user.name": "alice", "user.target.name": "root", "event.outcome": "success"]),
        .init("su", "FAILED su for root by alice", "su", ["user.name": "alice", "user.target.name": "root", "event.outcome": "failure"]),
        .init("su", "+ pts/0 alice:root", "su", ["user.name": "alice", "user.target.name": "root", "event.outcome": "success"]),
        .init("su", "- pts/0 alice:root", "su", ["user.name": "alice", "user.target.name": "root", "event.outcome": "failure"]),
        .init("su", "pam_unix(su:session): session opened for user root(uid=0) by alice(uid=1000)", "su",
              ["user.name": "alice", "user.id": 1000, "user.target.name": "root", "event.action": "session_opened", "event.category": "session"]),
        .init("su", "pam_unix(su-l:session): session opened for user root by alice(uid=1000)", "su",
              ["user.name": "alice", "user.target.name": "root", "event.action": "session_opened"]),
        .init("su", "pam_unix(su:session): session closed for user root", "su", ["user.target.name": "root", "event.action": "session_closed"]),
        .init("su", "pam_unix(su:auth): authentication failure; logname=alice uid=1000 euid=0 tty=/dev/pts/0 ruser=alice rhost=  user=root", "su",
              ["user.name": "alice", "user.target.name": "root", "event.outcome": "failure"]),
    ]

    static let pam: [ExtractorSample] = [
        .init("sshd", "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=\(ip)  user=root", "pam_unix",
              ["user.name": "root", "source.ip": .string(ip), "event.outcome": "failure", "event.action": "authentication_failure"]),
        .init("login", "pam_unix(login:auth): authentication failure; logname=LOGIN uid=0 euid=0 tty=tty1 ruser= rhost=  user=bob", "pam_unix",
              ["user.name": "bob", "event.outcome": "failure"]),
        .init("sshd", "pam_unix(sshd:auth): check pass; user unknown", "pam_unix", ["event.reason": "user unknown", "event.outcome": "failure"]),
        .init("login", "pam_unix(login:auth): auth could not identify password for [bob]", "pam_unix", ["user.name": "bob", "event.outcome": "failure"]),
        .init("sshd", "pam_unix(sshd:session): session opened for user alice(uid=1000) by (uid=0)", "pam_unix",
              ["user.name": "alice", "user.id": 1000, "event.action": "session_opened"]),
        .init("CRON", "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)", "pam_unix",
              ["user.name": "root", "user.id": 0, "event.action": "session_opened"]),
        .init("sshd", "pam_unix(sshd:session): session opened for user alice by (uid=0)", "pam_unix", ["user.name": "alice", "event.action": "session_opened"]),
        .init("sshd", "pam_unix(sshd:session): session closed for user alice", "pam_unix", ["user.name": "alice", "event.action": "session_closed"]),
        .init("newusers", "pam_unix(newusers:chauthtok): password changed for carol", "pam_unix",
              ["user.name": "carol", "event.action": "password_changed", "event.outcome": "success"]),
        .init("login", "pam_unix(login:account): account bob has expired (account expired)", "pam_unix",
              ["user.name": "bob", "event.reason": "account expired", "event.outcome": "failure"]),
    ]

    static let accounts: [ExtractorSample] = [
        .init("useradd", "new user: name=bob, UID=1001, GID=1001, home=/home/bob, shell=/bin/bash, from=/dev/pts/0", "useradd",
              ["user.name": "bob", "user.id": 1001, "group.id": 1001, "system.auth.useradd.home": "/home/bob",
               "system.auth.useradd.shell": "/bin/bash", "event.action": "user_created", "event.category": "iam"]),
        .init("useradd", "new user: name=bob, UID=1001, GID=1001, home=/home/bob, shell=/bin/sh", "useradd",
              ["user.name": "bob", "system.auth.useradd.shell": "/bin/sh", "event.action": "user_created"]),
        .init("useradd", "new group: name=bob, GID=1001", "useradd", ["group.name": "bob", "group.id": 1001, "event.action": "group_created"]),
        .init("useradd", "add 'bob' to group 'sudo'", "useradd", ["user.name": "bob", "group.name": "sudo", "event.action": "user_added_to_group"]),
        .init("useradd", "add 'bob' to shadow group 'sudo'", "useradd", ["user.name": "bob", "group.name": "sudo"]),
        .init("useradd", "failed adding user 'bob', data deleted", "useradd", ["user.name": "bob", "event.outcome": "failure", "event.reason": "data deleted"]),
        .init("userdel", "delete user 'bob'", "userdel", ["user.name": "bob", "event.action": "user_deleted"]),
        .init("userdel", "removed group 'bob' owned by 'bob'", "userdel", ["group.name": "bob", "user.name": "bob", "event.action": "group_deleted"]),
        .init("userdel", "removed shadow group 'bob' owned by 'bob'", "userdel", ["group.name": "bob", "event.action": "group_deleted"]),
        .init("userdel", "delete 'bob' from group 'sudo'", "userdel", ["user.name": "bob", "group.name": "sudo", "event.action": "user_removed_from_group"]),
        .init("userdel", "delete 'bob' from shadow group 'sudo'", "userdel", ["user.name": "bob", "group.name": "sudo"]),
        .init("usermod", "add 'bob' to group 'wheel'", "usermod", ["user.name": "bob", "group.name": "wheel", "event.action": "user_added_to_group"]),
        .init("usermod", "add 'bob' to shadow group 'wheel'", "usermod", ["user.name": "bob", "group.name": "wheel"]),
        .init("usermod", "change user 'bob' password", "usermod", ["user.name": "bob", "event.action": "password_changed"]),
        .init("usermod", "lock user 'bob' password", "usermod", ["user.name": "bob", "event.action": "user_locked"]),
        .init("usermod", "unlock user 'bob' password", "usermod", ["user.name": "bob", "event.action": "user_unlocked"]),
        .init("usermod", "change user 'bob' shell from '/bin/sh' to '/bin/bash'", "usermod",
              ["user.name": "bob", "system.auth.useradd.shell": "/bin/bash", "event.action": "user_modified"]),
        .init("groupadd", "group added to /etc/group: name=devs, GID=1002", "groupadd", ["group.name": "devs", "group.id": 1002, "event.action": "group_created"]),
        .init("groupadd", "new group: name=devs, GID=1002", "groupadd", ["group.name": "devs", "group.id": 1002]),
        .init("groupdel", "group 'devs' removed from /etc/group", "groupadd", ["group.name": "devs", "event.action": "group_deleted"]),
        .init("passwd", "pam_unix(passwd:chauthtok): password changed for bob", "passwd",
              ["user.name": "bob", "event.action": "password_changed", "event.outcome": "success"]),
        .init("passwd", "password for 'bob' changed by 'root'", "passwd", ["user.name": "root", "user.target.name": "bob", "event.action": "password_changed"]),
        .init("passwd", "pam_unix(passwd:chauthtok): authentication token manipulation error", "passwd", ["event.outcome": "failure"]),
        .init("chpasswd", #"pam_unix(chpasswd:chauthtok): user "bob" does not exist in /etc/passwd"#, "passwd",
              ["event.outcome": "failure", "event.reason": #"user "bob" does not exist in /etc/passwd"#]),
    ]

    static let cron: [ExtractorSample] = [
        .init("CRON", "(root) CMD (run-parts /etc/cron.hourly)", "cron",
              ["user.name": "root", "process.command_line": "run-parts /etc/cron.hourly", "event.action": "cron_command"]),
        .init("crond", "(root) CMD (   cd / && run-parts --report /etc/cron.hourly)", "cron",
              ["user.name": "root", "process.command_line": "   cd / && run-parts --report /etc/cron.hourly"]),
        .init("cron", "(alice) RELOAD (crontabs/alice)", "cron", ["user.name": "alice", "file.path": "crontabs/alice", "event.action": "crontab_reloaded"]),
        .init("cron", "(bob) ORPHAN (no passwd entry)", "cron", ["user.name": "bob", "event.reason": "no passwd entry"]),
        .init("crontab", "(alice) REPLACE (alice)", "crontab", ["user.name": "alice", "user.target.name": "alice", "event.action": "crontab_replaced"]),
        .init("crontab", "(alice) BEGIN EDIT (alice)", "crontab", ["user.name": "alice", "event.action": "crontab_edit_begin"]),
        .init("crontab", "(alice) END EDIT (alice)", "crontab", ["user.name": "alice", "event.action": "crontab_edit_end"]),
        .init("crontab", "(root) DELETE (alice)", "crontab", ["user.name": "root", "user.target.name": "alice", "event.action": "crontab_deleted"]),
        .init("crontab", "(root) LIST (alice)", "crontab", ["user.name": "root", "user.target.name": "alice", "event.action": "crontab_listed"]),
        .init("crontab", "(mallory) AUTH (crontab command not allowed)", "crontab",
              ["user.name": "mallory", "event.reason": "crontab command not allowed", "event.outcome": "failure"]),
    ]

    static let auditd: [ExtractorSample] = [
        .init("audispd", #"type=USER_LOGIN msg=audit(1795255200.123:456): pid=1234 uid=0 auid=4294967295 ses=4294967295 subj=unconfined msg='op=login acct="root" exe="/usr/sbin/sshd" hostname=? addr=\#(ip) terminal=ssh res=failed'"#, "auditd",
              ["auditd.log.record_type": "USER_LOGIN", "event.action": "user_login", "auditd.log.sequence": 456, "process.pid": 1234,
               "user.id": "0", "user.audit.id": "4294967295", "user.name": "root", "process.executable": "/usr/sbin/sshd",
               "source.ip": .string(ip), "auditd.log.terminal": "ssh", "auditd.log.op": "login", "event.outcome": "failure",
               "event.module": "auditd"]),
        .init("audit", #"node=web01 type=SYSCALL msg=audit(1795255200.456:789): arch=c000003e syscall=59 success=yes exit=0 a0=55d0 a1=55d1 a2=55d2 a3=0 items=2 ppid=1000 pid=1001 auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 comm="cat" exe="/usr/bin/cat" subj=unconfined key="shadow-read""#, "auditd",
              ["auditd.log.node": "web01", "auditd.log.record_type": "SYSCALL", "auditd.log.sequence": 789, "auditd.log.syscall": "59",
               "event.outcome": "success", "process.parent.pid": 1000, "process.pid": 1001, "user.audit.id": "1000", "user.effective.id": "0",
               "auditd.log.comm": "cat", "process.executable": "/usr/bin/cat", "auditd.log.key": "shadow-read", "auditd.data.arch": "c000003e",
               "auditd.data.a0": "55d0"]),
        .init("audisp-syslog", #"type=ADD_USER msg=audit(1795255300.000:900): pid=2000 uid=0 auid=1000 ses=3 msg='op=adding user id=1001 exe="/usr/sbin/useradd" hostname=web01 addr=? terminal=pts/0 res=success'"#, "auditd",
              ["event.action": "add_user", "user.target.id": "1001", "source.address": "web01", "event.outcome": "success", "auditd.log.op": "adding"]),
    ]

    static let kernel: [ExtractorSample] = [
        .init("kernel", "[ 1234.567890] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=\(ip) DST=10.0.0.5 LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=54321 DF PROTO=TCP SPT=4242 DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0", "ufw",
              ["source.ip": .string(ip), "destination.ip": "10.0.0.5", "source.port": 4242, "destination.port": 22, "network.transport": "tcp",
               "observer.ingress.interface.name": "eth0", "network.ttl": 52, "event.action": "ufw_block", "event.type": "denied",
               "event.category": "network"]),
        .init("kernel", "[UFW LIMIT BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=\(ip) DST=10.0.0.5 LEN=60 PROTO=TCP SPT=4243 DPT=22", "ufw",
              ["event.action": "ufw_limit_block", "source.port": 4243]),
        .init("kernel", "[UFW ALLOW] IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=198.51.100.4 DST=10.0.0.5 LEN=60 PROTO=TCP SPT=50000 DPT=443", "ufw",
              ["event.action": "ufw_allow", "source.ip": "198.51.100.4", "destination.port": 443]),
        .init("kernel", "[UFW AUDIT] IN= OUT=eth0 SRC=10.0.0.5 DST=192.0.2.53 LEN=70 PROTO=UDP SPT=40000 DPT=53 LEN=50", "ufw",
              ["event.action": "ufw_audit", "observer.egress.interface.name": "eth0", "network.transport": "udp", "destination.port": 53]),
        .init("kernel", "IPTables-Dropped: IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=\(ip) DST=10.0.0.5 LEN=40 TOS=0x00 PREC=0x00 TTL=240 ID=54321 PROTO=UDP SPT=53 DPT=33434 LEN=20", "netfilter",
              ["source.ip": .string(ip), "source.port": 53, "destination.port": 33434, "network.transport": "udp", "event.action": "firewall_log"]),
        .init("kernel", "nft drop in: IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:86:dd SRC=2001:0db8:0000:0000:0000:0000:0000:0007 DST=2001:0db8:0000:0000:0000:0000:0000:0005 LEN=80 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=TCP SPT=4242 DPT=22 WINDOW=64800 RES=0x00 SYN URGP=0", "netfilter",
              ["source.ip": "2001:0db8:0000:0000:0000:0000:0000:0007", "destination.port": 22, "network.transport": "tcp"]),
        .init("kernel", #"[   12.345678] audit: type=1400 audit(1795255200.123:456): apparmor="DENIED" operation="open" profile="/usr/sbin/cupsd" name="/etc/shadow" pid=1234 comm="cupsd" requested_mask="r" denied_mask="r" fsuid=0 ouid=0"#, "apparmor",
              ["auditd.log.record_type": 1400, "auditd.log.sequence": 456, "event.outcome": "failure", "event.action": "denied",
               "file.path": "/etc/shadow", "process.pid": 1234, "apparmor.operation": "open", "apparmor.profile": "/usr/sbin/cupsd",
               "apparmor.comm": "cupsd", "apparmor.denied_mask": "r", "event.module": "apparmor"]),
        .init("kernel", #"type=1400 audit(1795255200.123:457): apparmor="ALLOWED" operation="exec" profile="/usr/bin/man" name="/usr/bin/nroff" pid=99 comm="man""#, "apparmor",
              ["event.outcome": "success", "event.action": "allowed", "file.path": "/usr/bin/nroff"]),
    ]
}
