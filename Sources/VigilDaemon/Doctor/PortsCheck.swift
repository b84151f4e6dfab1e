/// Each listener's port and the HTTP port can be bound, or are held by this configuration's Vigil, which is running.
struct PortsCheck: DoctorCheck {
    let name = "ports"

    /// One address:port the daemon binds.
    struct Endpoint: Sendable, Hashable {
        var label: String
        var address: String
        var port: Int

        var text: String { "\(label) \(address.contains(":") ? "[\(address)]" : address):\(port)" }
    }

    func run(_ context: DoctorContext) async -> [DoctorFinding] {
        let config = context.configuration
        var endpoints = config.listeners.map { Endpoint(label: "listener \($0.name)", address: $0.address, port: $0.port) }
        endpoints.append(Endpoint(label: "http", address: config.httpAddress, port: config.httpPort))
        var vigilRunning: Bool?
        var findings: [DoctorFinding] = []
        for endpoint in endpoints {
            guard endpoint.port != 0 else {
                findings.append(.ok(name, "\(endpoint.text): any free port (port 0)"))
                continue
            }
            let result = context.probes.bind(address: endpoint.address, port: endpoint.port)
            if result == .inUse, vigilRunning == nil {
                vigilRunning = await context.probes.isVigil(httpAddress: config.httpAddress, port: config.httpPort)
            }
            findings.append(finding(endpoint, result, vigilRunning: vigilRunning ?? false))
        }
        return findings
    }

    /// The verdict for one endpoint; pure.
    func finding(_ endpoint: Endpoint, _ result: BindResult, vigilRunning: Bool) -> DoctorFinding {
        switch result {
        case .free:
            return .ok(name, "\(endpoint.text): free")
        case .inUse where vigilRunning:
            return .ok(name, "\(endpoint.text): in use by this Vigil (running)")
        case .inUse:
            return .fail(name, "\(endpoint.text): port in use (by another process)", fix: "stop it or pick another port")
        case .permissionDenied where endpoint.port < 1024:
            return .warn(name, "\(endpoint.text): this user may not bind ports below 1024",
                         fix: "run Vigil with CAP_NET_BIND_SERVICE (systemd/vigil.service grants it) or use a port from 1024 up")
        case .permissionDenied:
            return .fail(name, "\(endpoint.text): binding is not permitted", fix: "check the firewall/SELinux policy or pick another port")
        case .addressUnavailable:
            return .fail(name, "\(endpoint.text): \(endpoint.address) is not an address of this machine",
                         fix: "use one of this machine's addresses, or 0.0.0.0 for all")
        case .failed(let reason):
            return .fail(name, "\(endpoint.text): cannot bind: \(reason)", fix: "correct the address in the configuration")
        }
    }
}
