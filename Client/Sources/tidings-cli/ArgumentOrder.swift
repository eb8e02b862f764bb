/// Lets the global options stand before the subcommand: ArgumentParser reads them in each
/// subcommand's `@OptionGroup`, so those that precede the subcommand's name move to just
/// after it (`tidings-cli --json feed …` becomes `tidings-cli feed --json …`, and
/// `tidings-cli bench --json feed …` becomes `tidings-cli bench feed --json …`).
enum ArgumentOrder {
    static let valueOptions: Set<String> = ["--url", "--key", "--token"]
    static let flags: Set<String> = ["--json"]
    /// Commands whose options live in their subcommands (`bench fanout`): global options may
    /// also stand between the group and the subcommand, and move past the subcommand's name.
    static let commandGroups: Set<String> = ["bench"]

    static func hoistingGlobalOptions(_ arguments: [String]) -> [String] {
        var hoisted = [String]()
        var index = arguments.startIndex
        var names = [String]()
        /// Takes the global options that start at `index`, and then a command's name.
        func takeOptionsAndName() -> Bool {
            while index < arguments.endIndex {
                let argument = arguments[index]
                if flags.contains(argument) || valueOptions.contains(where: { argument.hasPrefix($0 + "=") }) {
                    hoisted.append(argument)
                    index += 1
                } else if valueOptions.contains(argument), index + 1 < arguments.endIndex {
                    hoisted += [argument, arguments[index + 1]]
                    index += 2
                } else {
                    break
                }
            }
            guard index < arguments.endIndex, !arguments[index].hasPrefix("-") else { return false }
            names.append(arguments[index])
            index += 1
            return true
        }
        // No subcommand after the options: leave it to the parser.
        guard takeOptionsAndName() else { return arguments }
        if commandGroups.contains(names[0]) {
            let optionsBefore = hoisted.count
            let groupIndex = index
            // Options after the group but no subcommand name (`bench --json --help`): keep them.
            if !takeOptionsAndName() {
                index = groupIndex
                hoisted.removeSubrange(optionsBefore...)
            }
        }
        guard !hoisted.isEmpty else { return arguments }
        return names + hoisted + arguments[index...]
    }
}
