fn main() -> std::process::ExitCode {
    tenantguard::cli::main()
}
