"""Which source decides each setting: command line > environment > config.toml > docker's
currentContext > defaults (README.md, "Settings and config.toml").

Each source is a layer: a dict of the keys it gives (explorer.core.configkeys names) → (the value,
already checked; where it came from). The engine is one choice made by `host` or `context`
together: the highest layer that names either decides it, so DOCKER_HOST beats a `context` in the
file, and DOCKER_HOST beats DOCKER_CONTEXT as it does for the docker CLI.
"""
from __future__ import annotations

from collections.abc import Mapping

from explorer.core import configkeys
from explorer.core.config import Settings
from explorer.core.errors import UsageError, without_password

ENGINE = ("host", "context")
_ENVIRONMENT = tuple(key for key in configkeys.KEYS if key.env)


def command_line(given: list, options: list) -> dict:
    """The command line's layer: `given` is (key, value, flag) for flags such as -H and --vi;
    `options` are -o KEY=VALUE words."""
    layer: dict = {}
    for name, value, flag in given:
        _put(layer, name, _checked(name, value, f"{flag} {without_password(str(value))}"), flag)
    for word in options:
        name, eq, text = word.partition("=")
        key = configkeys.BY_NAME.get(name.strip())
        if not eq:
            raise UsageError(f"-o {word}: write -o KEY=VALUE, e.g. -o {name.strip()}=true")
        if key is None:
            raise UsageError(f"-o {word}: unknown key `{name.strip()}`; the keys: {', '.join(configkeys.BY_NAME)}")
        try:
            value = configkeys.from_text(key, text)
        except ValueError as err:
            raise UsageError(f"-o {without_password(word)}: {err}") from None
        _put(layer, key.name, value, "-o")
    if "host" in layer and "context" in layer:
        flags = [layer[name][1].removeprefix("command line: ") for name in ENGINE]
        raise UsageError(f"host ({flags[0]}) and context ({flags[1]}) both choose the engine: give one")
    return layer


def _checked(name: str, value: object, where: str) -> object:
    try:
        return configkeys.check(configkeys.BY_NAME[name], value)
    except ValueError as err:
        raise UsageError(f"{where}: {err}") from None


def _put(layer: dict, name: str, value: object, flag: str) -> None:
    if name in layer and layer[name][0] != value:
        raise UsageError(f"{layer[name][1].removeprefix('command line: ')} and {flag} both set {name}: give one")
    layer[name] = (value, f"command line: {flag}")


def environment(env: Mapping) -> dict:
    """DOCKER_HOST, DOCKER_CONTEXT, DOCKER_TLS*, DOCKER_CERT_PATH, PAGER: an empty DOCKER_* is unset
    and any other value of DOCKER_TLS or DOCKER_TLS_VERIFY turns it on (as for docker, "0" too);
    PAGER="" means none."""
    layer: dict = {}
    for key in _ENVIRONMENT:
        text = env.get(key.env)
        if text is None or (text == "" and key.env.startswith("DOCKER_")):
            continue
        if key.kind == "bool" and key.env.startswith("DOCKER_"):
            layer[key.name] = (True, f"environment: {key.env}{_docker_flag(key, text)}")
            continue
        try:
            layer[key.name] = (configkeys.from_text(key, text), f"environment: {key.env}")
        except ValueError as err:
            raise UsageError(f"{key.env}={without_password(text)}: {err}") from None
    if "host" in layer and layer.pop("context", None) is not None:
        layer["host"] = (layer["host"][0], layer["host"][1] + " (it beats DOCKER_CONTEXT, as for docker)")
    return layer


def _docker_flag(key: configkeys.Key, text: str) -> str:
    """What the origin adds when a docker flag variable is on although its value reads as off ("0")."""
    try:
        if configkeys.from_text(key, text) is True:
            return ""
    except ValueError:
        pass
    return f"={text} (set, so on, as for docker)"


def settings(command: dict, env: Mapping, file: dict, file_warnings: tuple = (), **given) -> tuple:
    """(Settings, warnings): every key's winner from the command line down to the defaults, with
    the origins `config` shows. `command` and `file` are layers (command_line(),
    explorer.core.configfile.read()); `given` are the Settings fields no config key covers."""
    layers = [command, environment(env), file]
    warnings = list(file_warnings)
    if not any(name in layer for layer in layers for name in ENGINE):
        # docker's config.json: read (and its reader imported) only when nothing above chose the engine
        from explorer.core import dockerconfig

        current = dockerconfig.current_context(env)
        if current.warning:
            warnings.append(current.warning)
        if current.name:
            layers.append({"context": (current.name, f"docker's currentContext in {current.path}")})
    fields: dict = {}
    origins: list = []
    engine_decided = False
    for layer in layers:
        for key in configkeys.KEYS:
            name = key.name
            if name not in layer or key.field in fields or (name in ENGINE and engine_decided):
                continue
            fields[key.field], origin = layer[name]
            origins.append((name, origin))
        engine_decided = engine_decided or any(name in layer for name in ENGINE)
    return Settings(**given, **fields, origins=tuple(origins)), tuple(warnings)
