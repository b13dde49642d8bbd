"""Which source decides each setting: command line > environment > config.toml > docker's
currentContext > defaults (README.md, "Settings and config.toml").

Each source is a Layer: the keys it gives (explorer.core.configkeys names), already checked, and
where each came from. The engine is one choice made by `host` or `context` together: the highest
layer that names either decides it, so DOCKER_HOST beats a `context` in the file, and DOCKER_HOST
beats DOCKER_CONTEXT as it does for the docker CLI.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from explorer.core import configkeys, dockerconfig
from explorer.core.configfile import ConfigFile
from explorer.core.errors import UsageError

ENGINE = ("host", "context")
_ENVIRONMENT = tuple(key for key in configkeys.KEYS if key.env)


class Layer(NamedTuple):
    """What one source says: key name → checked value, and key name → where it came from."""

    values: dict
    origins: dict


class Resolved(NamedTuple):
    """The winners: Settings field → value (keys at their default are absent), origins, warnings."""

    fields: dict
    origins: tuple  # (key name, origin) for each key some source gave
    warnings: tuple


def command_line(given: list, options: list) -> Layer:
    """The command line's layer: `given` is (key, value, flag) for flags such as -H and --vi;
    `options` are -o KEY=VALUE words."""
    values: dict = {}
    origins: dict = {}
    for name, value, flag in given:
        _put(values, origins, name, _checked(name, value, f"{flag} {value}"), f"command line: {flag}")
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
            raise UsageError(f"-o {word}: {err}") from None
        _put(values, origins, key.name, value, "command line: -o")
    if "host" in values and "context" in values:
        flags = [origins[name].removeprefix("command line: ") for name in ENGINE]
        raise UsageError(f"host ({flags[0]}) and context ({flags[1]}) both choose the engine: give one")
    return Layer(values, origins)


def _checked(name: str, value: object, where: str) -> object:
    try:
        return configkeys.check(configkeys.BY_NAME[name], value)
    except ValueError as err:
        raise UsageError(f"{where}: {err}") from None


def _put(values: dict, origins: dict, name: str, value: object, origin: str) -> None:
    if name in values and values[name] != value:
        raise UsageError(f"{origins[name].removeprefix('command line: ')} and "
                         f"{origin.removeprefix('command line: ')} both set {name}: give one")
    values[name], origins[name] = value, origin


def environment(env: Mapping) -> Layer:
    """DOCKER_HOST, DOCKER_CONTEXT, PAGER: an empty DOCKER_* is unset (as for docker); PAGER="" means none."""
    values: dict = {}
    origins: dict = {}
    for key in _ENVIRONMENT:
        text = env.get(key.env)
        if text is None or (text == "" and key.env.startswith("DOCKER_")):
            continue
        try:
            values[key.name] = configkeys.from_text(key, text)
        except ValueError as err:
            raise UsageError(f"{key.env}={text}: {err}") from None
        origins[key.name] = f"environment: {key.env}"
    if "host" in values and values.pop("context", None) is not None:
        del origins["context"]
        origins["host"] += " (it beats DOCKER_CONTEXT, as for docker)"
    return Layer(values, origins)


def config_file(cfg: ConfigFile) -> Layer:
    """The file's layer; `host` and `context` together are an error naming both lines."""
    values = {name: value for name, value, _ in cfg.values}
    lines = {name: line for name, _, line in cfg.values}
    if "host" in values and "context" in values:
        raise UsageError(f"{cfg.path}:{lines['context']}: context: host (line {lines['host']}) chooses the "
                         "engine too: keep one of them")
    return Layer(values, {name: f"config file, line {line}" for name, line in lines.items()})


def resolve(command: Layer, env: Mapping, cfg: ConfigFile) -> Resolved:
    """Every key's winner, from the command line down to the defaults."""
    layers = [command, environment(env), config_file(cfg)]
    warnings = list(cfg.warnings)
    if not any(name in layer.values for layer in layers for name in ENGINE):
        current = dockerconfig.current_context(env)  # read only when nothing above chose the engine
        if current.warning:
            warnings.append(current.warning)
        if current.name:
            layers.append(Layer({"context": current.name},
                                {"context": f"docker's currentContext in {current.path}"}))
    fields: dict = {}
    origins: list = []
    engine_decided = False
    for layer in layers:
        for key in configkeys.KEYS:
            name = key.name
            if name not in layer.values or key.field in fields or (name in ENGINE and engine_decided):
                continue
            fields[key.field] = layer.values[name]
            origins.append((name, layer.origins[name]))
        engine_decided = engine_decided or any(name in layer.values for name in ENGINE)
    return Resolved(fields, tuple(origins), tuple(warnings))
