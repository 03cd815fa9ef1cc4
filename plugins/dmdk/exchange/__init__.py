"""Information exchange profiles (профили информационного обмена): the participant's information systems that
exchange data with the registry, each with its name, code and certificate, for the organization or one of its
subdivisions."""
