"""Russian identifier checks (ИНН, ОГРН, ОГРНИП, КПП, ОКВЭД2, БИК, счёт, СНИЛС): each says in words what is wrong."""
