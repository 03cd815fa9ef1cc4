"""Finding an organization in the state register (ЕГРЮЛ/ЕГРИП) by OGRN/OGRNIP or INN, behind an interface."""
